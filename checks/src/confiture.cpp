// confiture addresses, read from core's configuration value tree (YAML stays
// inside core, STYLE principle 2); every error carries file:line:col.
#include "greenlight/checks/confiture.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "greenlight/core/config_value.h"

namespace greenlight::checks {

namespace {

using config::Value;

struct Failure {
  std::string reason;
};

std::string at(const Value& value) { return value.mark.str() + ": "; }

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

std::string scalar(const Value& value, const char* what) {
  if (!value.is_scalar()) throw Failure{at(value) + what + " must be a string"};
  return value.scalar;
}

// YAML 1.1 booleans, as confiture (PyYAML) reads them.
std::optional<bool> to_bool(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text == "true" || text == "yes" || text == "on" || text == "y") return true;
  if (text == "false" || text == "no" || text == "off" || text == "n") return false;
  return std::nullopt;
}

// A site's address file holds thousands of records; this many is a mistake
// (or an attack), refused before memory grows.
constexpr std::size_t kMaxRecords = 1'000'000;

void read_entry(const Value& key, const Value& body, const NodeSetExpander& expand,
                std::vector<AddressRecord>& records) {
  const std::string where = at(key);
  const std::string node_expr = scalar(key, "a node set key");
  if (!body.is_mapping()) throw Failure{where + node_expr + ": must be a mapping of networks"};
  const auto nodes = expand_or_fail(expand, node_expr, where);
  std::vector<std::string> defaults;
  bool critical = false;
  // network -> addresses, in document order
  std::vector<std::pair<std::string, std::vector<std::string>>> networks;
  for (const auto& [item_key, item] : body.entries) {
    const std::string item_at = at(item_key);
    const std::string name = scalar(item_key, "a network name");
    if (name == "default") {
      if (item.is_scalar()) {
        defaults.push_back(item.scalar);
      } else if (item.is_sequence()) {
        for (const auto& n : item.items) defaults.push_back(scalar(n, "a network"));
      } else {
        throw Failure{item_at + node_expr + ": 'default' must be a network or a list"};
      }
    } else if (name == "critical") {
      const auto value = item.is_scalar() ? to_bool(item.scalar) : std::nullopt;
      if (!value) throw Failure{item_at + node_expr + ": 'critical' must be true or false"};
      critical = *value;
    } else {
      std::vector<std::string> addrs;
      if (item.is_sequence()) {
        for (const auto& a : item.items) {
          const auto part = expand_or_fail(expand, scalar(a, "an address"), item_at);
          addrs.insert(addrs.end(), part.begin(), part.end());
        }
      } else if (item.is_scalar() && !item.scalar.empty()) {
        addrs = expand_or_fail(expand, item.scalar, item_at);
      } else {
        throw Failure{item_at + node_expr + ": network '" + name + "' has no address"};
      }
      if (addrs.size() != nodes.size()) {
        throw Failure{item_at + node_expr + ": " + std::to_string(nodes.size()) + " nodes but " +
                      std::to_string(addrs.size()) + " addresses on network '" + name + "'"};
      }
      networks.emplace_back(name, std::move(addrs));
    }
  }
  for (const auto& d : defaults) {
    if (std::none_of(networks.begin(), networks.end(),
                     [&](const auto& n) { return n.first == d; })) {
      throw Failure{where + node_expr + ": default network '" + d + "' has no addresses"};
    }
  }
  // Each node set is under the node ceiling, but nodes times networks, over
  // every entry, could ask for billions of records from a few lines.
  if (records.size() + nodes.size() * networks.size() > kMaxRecords) {
    throw Failure{where + node_expr + ": more than " + std::to_string(kMaxRecords) +
                  " address records in the file (nodes times networks, every entry)"};
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& [network, addrs] : networks) {
      AddressRecord r;
      r.node = nodes[i];
      r.network = network;
      r.address = addrs[i];
      r.critical = critical;
      r.default_network = std::find(defaults.begin(), defaults.end(), network) != defaults.end();
      if (r.default_network) r.names.push_back(r.node);
      r.names.push_back(r.node + "-" + network);
      records.push_back(std::move(r));
    }
  }
}

}  // namespace

Parsed<std::vector<AddressRecord>> parse_confiture_addresses(std::string_view yaml,
                                                             const NodeSetExpander& expand,
                                                             std::string_view source) {
  config::Diagnostics diagnostics;
  const Value doc = config::load_yaml_text(yaml, std::string(source), diagnostics);
  if (!diagnostics.ok()) {
    const auto& first = diagnostics.errors().front();
    return ParseError{first.mark.str() + ": " + first.message};
  }
  std::vector<AddressRecord> records;
  try {
    if (!doc.is_mapping()) throw Failure{std::string(source) + ": not a YAML mapping"};
    const Value* addresses = doc.find("addresses");
    if (!addresses) throw Failure{std::string(source) + ": no 'addresses' key"};
    if (!addresses->is_mapping()) {
      throw Failure{at(*addresses) + "'addresses' must be a mapping of node sets"};
    }
    for (const auto& [key, body] : addresses->entries) read_entry(key, body, expand, records);
  } catch (const Failure& f) {
    return ParseError{f.reason};
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
