// confiture addresses. yaml-cpp stays inside this file: the public API speaks
// only of records (STYLE principle 2).
#include "greenlight/checks/confiture.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

namespace greenlight::checks {

namespace {

struct Failure {
  std::string reason;
};

std::string at(std::string_view source, const YAML::Mark& mark) {
  // yaml-cpp marks are 0-based.
  return std::string(source) + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1) + ": ";
}

std::vector<std::string> expand_or_fail(const NodeSetExpander& expand, const std::string& text,
                                        const std::string& where) {
  try {
    auto out = expand(text);
    if (out.empty()) throw Failure{where + "'" + text + "' expands to nothing"};
    return out;
  } catch (const Failure&) {
    throw;
  } catch (const std::exception& e) {
    throw Failure{where + "bad node set '" + text + "': " + e.what()};
  }
}

std::string scalar(const YAML::Node& node, const std::string& where, const char* what) {
  if (!node.IsScalar()) throw Failure{where + what + " must be a string"};
  return node.Scalar();
}

}  // namespace

Parsed<std::vector<AddressRecord>> parse_confiture_addresses(std::string_view yaml,
                                                             const NodeSetExpander& expand,
                                                             std::string_view source) {
  std::vector<AddressRecord> records;
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml));
    if (!doc.IsMap()) throw Failure{std::string(source) + ": not a YAML mapping"};
    const YAML::Node addresses = doc["addresses"];
    if (!addresses) throw Failure{std::string(source) + ": no 'addresses' key"};
    if (!addresses.IsMap()) {
      throw Failure{at(source, addresses.Mark()) + "'addresses' must be a mapping of node sets"};
    }
    for (const auto& entry : addresses) {
      const std::string where = at(source, entry.first.Mark());
      const std::string node_expr = scalar(entry.first, where, "a node set key");
      const YAML::Node& body = entry.second;
      if (!body.IsMap()) throw Failure{where + node_expr + ": must be a mapping of networks"};
      const auto nodes = expand_or_fail(expand, node_expr, where);
      std::vector<std::string> defaults;
      bool critical = false;
      // network -> addresses, in document order
      std::vector<std::pair<std::string, std::vector<std::string>>> networks;
      for (const auto& item : body) {
        const std::string item_at = at(source, item.first.Mark());
        const std::string key = scalar(item.first, item_at, "a network name");
        if (key == "default") {
          if (item.second.IsScalar()) {
            defaults.push_back(item.second.Scalar());
          } else if (item.second.IsSequence()) {
            for (const auto& n : item.second) defaults.push_back(scalar(n, item_at, "a network"));
          } else {
            throw Failure{item_at + node_expr + ": 'default' must be a network or a list"};
          }
        } else if (key == "critical") {
          bool value = false;
          if (!item.second.IsScalar() || !YAML::convert<bool>::decode(item.second, value)) {
            throw Failure{item_at + node_expr + ": 'critical' must be true or false"};
          }
          critical = value;
        } else {
          std::vector<std::string> addrs;
          if (item.second.IsSequence()) {
            for (const auto& a : item.second) {
              const auto part = expand_or_fail(expand, scalar(a, item_at, "an address"), item_at);
              addrs.insert(addrs.end(), part.begin(), part.end());
            }
          } else if (item.second.IsScalar() && !item.second.Scalar().empty()) {
            addrs = expand_or_fail(expand, item.second.Scalar(), item_at);
          } else {
            throw Failure{item_at + node_expr + ": network '" + key + "' has no address"};
          }
          if (addrs.size() != nodes.size()) {
            throw Failure{item_at + node_expr + ": " + std::to_string(nodes.size()) +
                          " nodes but " + std::to_string(addrs.size()) + " addresses on network '" +
                          key + "'"};
          }
          networks.emplace_back(key, std::move(addrs));
        }
      }
      for (const auto& d : defaults) {
        if (std::none_of(networks.begin(), networks.end(),
                         [&](const auto& n) { return n.first == d; })) {
          throw Failure{where + node_expr + ": default network '" + d + "' has no addresses"};
        }
      }
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (const auto& [network, addrs] : networks) {
          AddressRecord r;
          r.node = nodes[i];
          r.network = network;
          r.address = addrs[i];
          r.critical = critical;
          r.default_network =
              std::find(defaults.begin(), defaults.end(), network) != defaults.end();
          if (r.default_network) r.names.push_back(r.node);
          r.names.push_back(r.node + "-" + network);
          records.push_back(std::move(r));
        }
      }
    }
  } catch (const Failure& f) {
    return ParseError{f.reason};
  } catch (const YAML::Exception& e) {
    return ParseError{at(source, e.mark) + e.msg};
  }
  return records;
}

std::vector<AddressRecord> critical_records(const std::vector<AddressRecord>& records) {
  std::vector<AddressRecord> out;
  std::copy_if(records.begin(), records.end(), std::back_inserter(out),
               [](const AddressRecord& r) { return r.critical; });
  return out;
}

}  // namespace greenlight::checks
