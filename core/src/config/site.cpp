#include <arpa/inet.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/config.h"
#include "greenlight/core/node_name.h"
#include "greenlight/core/nodeset.h"
#include "site_sections.h"

namespace greenlight::config {
namespace {

using detail::read_exporter;
using detail::read_log;
using detail::read_notify;
using detail::read_power;
using detail::read_runbooks;
using detail::read_ssh;

// Placeholder for a group source that checks fill at run time (the fleet
// check's "vm"): while validating, any group of it is known and empty.
class DeclaredDynamicSource : public GroupSource {
 public:
  std::optional<std::string> map(std::string_view) const override { return std::string(); }
  std::vector<std::string> list() const override { return {}; }
  std::optional<std::string> all() const override { return std::string(); }
};

std::optional<std::vector<std::string>> expand(const Value& where, const std::string& text,
                                               Diagnostics& diagnostics, std::string_view what) {
  try {
    const NodeSet set = NodeSet::parse(text);
    check_node_ceiling(set.size(), text);  // before its names take memory
    return set.expand();
  } catch (const std::exception& error) {
    diagnostics.error(
        where.mark, fmt::format("{}: '{}' is not a valid node set: {}", what, text, error.what()));
    return std::nullopt;
  }
}

// A host's name, address, BMC and user go into commands (the SSH host and
// user, the power command's {bmc}): each is plain (node_name.h), or refused
// where it is written, before any command is built.
void refuse_unplain_field(const Value& where, std::string_view what, std::string_view field,
                         const std::string& value, Diagnostics& diagnostics) {
  if (value.empty()) return;
  const std::string why = why_not_plain(value);
  if (why.empty()) return;
  diagnostics.error(where.mark, fmt::format("{}: {} '{}' is not a plain name: {}", what, field,
                                            value, why),
                    "a name or address is letters, digits, '.', '_' and '-', starting with a "
                    "letter or digit");
}

// "10.1.0.[1-3]" for "top[1-3]": one address per host, paired in order.
std::vector<std::string> pair_up(const Value& where, const std::optional<std::string>& text,
                                 std::size_t count, Diagnostics& diagnostics,
                                 std::string_view what) {
  if (!text) return std::vector<std::string>(count);
  auto values = expand(where, *text, diagnostics, what);
  if (!values) return std::vector<std::string>(count);
  if (values->size() != count) {
    diagnostics.error(
        where.mark,
        fmt::format("{}: '{}' gives {} value{} for {} host{}", what, *text, values->size(),
                    values->size() == 1 ? "" : "s", count, count == 1 ? "" : "s"),
        "write one value per host, e.g. 10.1.0.[1-3] for top[1-3]");
    return std::vector<std::string>(count);
  }
  return *values;
}

void read_hosts(const Value* hosts, Site& site, Diagnostics& diagnostics) {
  if (hosts == nullptr) return;
  if (!hosts->is_mapping()) {
    diagnostics.error(
        hosts->mark,
        fmt::format("hosts: expected a mapping of node sets to host settings, found {}",
                    hosts->describe()));
    return;
  }
  for (const auto& entry : hosts->entries) {
    const Value& key = entry.first;
    const Value& value = entry.second;
    const std::string what = fmt::format("host '{}'", key.scalar);
    MapReader reader(value, diagnostics, what, "hosts");
    auto address = reader.string("address");
    auto port = reader.integer("port", false, 1, 65535);
    auto user = reader.string("user");
    auto bmc = reader.string("bmc");
    auto self = reader.boolean("self");
    reader.finish();
    auto names = expand(key, key.scalar, diagnostics, "hosts");
    if (!names) continue;
    const Value& address_at = value.find("address") ? *value.find("address") : key;
    const Value& bmc_at = value.find("bmc") ? *value.find("bmc") : key;
    auto addresses =
        pair_up(address_at, address, names->size(), diagnostics, fmt::format("{}: address", what));
    auto bmcs = pair_up(bmc_at, bmc, names->size(), diagnostics, fmt::format("{}: bmc", what));
    for (std::size_t i = 0; i < names->size(); ++i) {
      refuse_unplain_field(key, what, "name", (*names)[i], diagnostics);
      refuse_unplain_field(address_at, what, "address", addresses[i], diagnostics);
      refuse_unplain_field(bmc_at, what, "bmc", bmcs[i], diagnostics);
    }
    if (user) refuse_unplain_field(*value.find("user"), what, "user", *user, diagnostics);
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto existing = std::find_if(site.hosts.begin(), site.hosts.end(),
                                   [&](const Host& h) { return h.name == (*names)[i]; });
      Host* host = nullptr;
      if (existing == site.hosts.end()) {
        site.hosts.push_back(Host{(*names)[i], "", 0, "", "", false, key.mark});
        host = &site.hosts.back();
      } else {
        host = &*existing;
      }
      auto set = [&](auto& field, const auto& given, const auto& unset, const char* name) {
        if (given == unset) return;
        if (field != unset && field != given) {
          diagnostics.error(
              key.mark,
              fmt::format("host '{}': {} given twice with different values", host->name, name),
              fmt::format("first at {}", host->mark.str()));
          return;
        }
        field = given;
      };
      set(host->address, addresses[i], std::string(), "address");
      set(host->bmc, bmcs[i], std::string(), "bmc");
      set(host->port, static_cast<int>(port.value_or(0)), 0, "port");
      set(host->user, user.value_or(""), std::string(), "user");
      if (self.value_or(false)) host->self = true;
    }
  }
  for (auto& host : site.hosts) {
    if (host.address.empty()) host.address = host.name;
  }
  std::vector<std::string> selves;
  for (const auto& host : site.hosts) {
    if (host.self) selves.push_back(host.name);
  }
  if (selves.size() > 1) {
    diagnostics.error(hosts->mark, fmt::format("hosts: only one host can be 'self', found {}",
                                               NodeSet::from_names(selves).fold()));
  }
}

void read_groups(const Value* groups, Site& site, Diagnostics& diagnostics) {
  if (groups == nullptr) return;
  if (!groups->is_mapping()) {
    diagnostics.error(
        groups->mark,
        fmt::format("groups: expected a mapping of group names to node sets, found {}",
                    groups->describe()));
    return;
  }
  static const std::regex kName("[A-Za-z0-9_.-]+");
  for (const auto& [key, value] : groups->entries) {
    if (!std::regex_match(key.scalar, kName)) {
      diagnostics.error(key.mark, fmt::format("groups: '{}' is not a valid group name", key.scalar),
                        "use letters, digits, '.', '_' and '-'");
      continue;
    }
    if (auto nodes = read_string(value, diagnostics, fmt::format("group '{}'", key.scalar))) {
      site.groups[key.scalar] = *nodes;
    }
  }
}

const std::vector<std::string> kCommonCheckKeys = {
    "kind", "host", "interval", "timeout", "jitter", "command", "pass_environment"};

void read_checks(const Value* checks, Site& site, Diagnostics& diagnostics,
                 const CheckKindCatalogue& kinds) {
  if (checks == nullptr) return;
  if (!checks->is_mapping()) {
    diagnostics.error(checks->mark,
                      fmt::format("checks: expected a mapping of check names to settings, found {}",
                                  checks->describe()));
    return;
  }
  for (const auto& [key, value] : checks->entries) {
    const std::string what = fmt::format("check '{}'", key.scalar);
    MapReader reader(value, diagnostics, what, "checks");
    CheckSpec check;
    check.name = key.scalar;
    check.mark = key.mark;
    check.kind = reader.choice("kind", kinds.names, true).value_or("");
    check.host = reader.string("host").value_or("self");
    check.interval = reader.positive_duration("interval").value_or(check.interval);
    check.timeout = reader.positive_duration("timeout").value_or(check.timeout);
    check.jitter = reader.duration("jitter").value_or(check.jitter);
    check.command = reader.strings("command").value_or(std::vector<std::string>{});
    if (value.find("command") != nullptr && check.command.empty()) {
      diagnostics.error(value.find("command")->mark,
                        fmt::format("{}: command: the list is empty", what));
    }
    check.pass_environment =
        reader.strings("pass_environment").value_or(std::vector<std::string>{});
    for (const auto& name : check.pass_environment) {
      const auto& secrets = secret_environment();
      if (std::find(secrets.begin(), secrets.end(), name) == secrets.end()) {
        // Every other variable reaches the command already: naming one here
        // would promise something the key does not do.
        diagnostics.error(value.find("pass_environment")->mark,
                          fmt::format("{}: pass_environment: '{}' is not one of greenlight's "
                                      "secrets ({}); the others reach its commands anyway",
                                      what, name, fmt::join(secrets, ", ")));
      }
    }
    if (check.host != "self" && site.host(check.host) == nullptr) {
      auto names = std::vector<std::string>{};
      for (const auto& h : site.hosts) names.push_back(h.name);
      auto hint = closest(check.host, names);
      diagnostics.error(value.find("host")->mark,
                        fmt::format("{}: host '{}' is not in hosts", what, check.host),
                        hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
    }
    check.parameters.kind = Value::Kind::kMapping;
    check.parameters.mark = value.mark;
    if (value.is_mapping()) {
      for (const auto& entry : value.entries) {
        if (std::find(kCommonCheckKeys.begin(), kCommonCheckKeys.end(), entry.first.scalar) ==
            kCommonCheckKeys.end()) {
          check.parameters.entries.push_back(entry);
        }
      }
    }
    if (kinds.group_source && !check.kind.empty()) {
      if (auto source = kinds.group_source(check);
          source && std::find(site.dynamic_sources.begin(), site.dynamic_sources.end(), *source) ==
                        site.dynamic_sources.end())
        site.dynamic_sources.push_back(std::move(*source));
    }
    site.checks.push_back(std::move(check));
  }
}

void check_groups_resolve(const Value* groups, const Site& site, Diagnostics& diagnostics) {
  if (groups == nullptr || !groups->is_mapping()) return;
  auto resolver = site.group_resolver();
  for (const auto& [key, value] : groups->entries) {
    auto it = site.groups.find(key.scalar);
    if (it == site.groups.end()) continue;
    try {
      NodeSet::parse(it->second, resolver.get());
    } catch (const std::exception& error) {
      diagnostics.error(value.mark, fmt::format("group '{}': {}", key.scalar, error.what()));
    }
  }
}

}  // namespace

const std::vector<std::string>& secret_environment() {
  static const std::vector<std::string> names = {"IPMI_PASSWORD"};
  return names;
}

const Host* Site::host(std::string_view wanted) const {
  auto it =
      std::find_if(hosts.begin(), hosts.end(), [&](const Host& h) { return h.name == wanted; });
  return it == hosts.end() ? nullptr : &*it;
}

const Host* Site::self_host() const {
  auto it = std::find_if(hosts.begin(), hosts.end(), [](const Host& h) { return h.self; });
  return it == hosts.end() ? nullptr : &*it;
}

std::optional<std::string> listen_address_error(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos)
    return fmt::format("'{}' is not ADDRESS:PORT", listen);
  const std::string address(listen.substr(0, colon));
  const std::string_view port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535)
    return fmt::format("'{}': the port must be a number from 0 to 65535", listen);
  if (!address.empty() && address.front() == '[') {
    return fmt::format("'{}': IPv6 listen addresses are not available (Debian 12's CivetWeb is "
                       "built without IPv6): listen on an IPv4 address",
                       listen);
  }
  in_addr parsed{};
  if (::inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
    return fmt::format("'{}': '{}' is not an IPv4 address (dotted quad; names are never resolved)",
                       listen, address);
  }
  return std::nullopt;
}

std::string Site::self_name() const {
  const Host* self = self_host();
  return self != nullptr ? self->name : "localhost";
}

bool Site::is_self(std::string_view wanted) const {
  if (wanted == "self" || wanted == "localhost") return true;
  const Host* self = self_host();
  return self != nullptr && self->name == wanted;
}

std::string Site::with_self_named(std::string_view nodes) const {
  // Items are separated by ClusterShell's operators: "," (union), "!"
  // (difference), "&" (intersection), "^" (symmetric difference).
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto end = nodes.find_first_of(",!&^", start);
    const std::string_view item =
        nodes.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    // The parser drops blanks around an item ("@top, self"): so does this.
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    const std::string_view word =
        first == std::string_view::npos ? std::string_view() : item.substr(first, last - first + 1);
    out += word == "self" ? self_name() : std::string(item);
    if (end == std::string_view::npos) break;
    out += nodes[end];
    start = end + 1;
  }
  return out;
}

std::shared_ptr<GroupResolver> Site::group_resolver() const {
  auto resolver = std::make_shared<GroupResolver>();
  std::map<std::string, std::string, std::less<>> site_groups(groups.begin(), groups.end());
  std::string all;
  for (const auto& host : hosts) all += (all.empty() ? "" : ",") + host.name;
  resolver->add_source("site", std::make_shared<StaticGroupSource>(std::move(site_groups), all));
  for (const auto& source : dynamic_sources) {
    if (!resolver->source(source))
      resolver->add_source(source, std::make_shared<DeclaredDynamicSource>());
  }
  return resolver;
}

Site read_site(const Value& root, const std::filesystem::path& file, Diagnostics& diagnostics,
               const CheckKindCatalogue& kinds) {
  Site site;
  site.file = file;
  MapReader top(root, diagnostics, "site configuration", "top level");
  site.name = top.string("site").value_or("");
  read_hosts(top.get("hosts"), site, diagnostics);
  const Value* groups = top.get("groups");
  read_groups(groups, site, diagnostics);
  read_ssh(top.get("ssh"), site, diagnostics);
  read_exporter(top.get("exporter"), site, diagnostics);
  read_checks(top.get("checks"), site, diagnostics, kinds);
  read_runbooks(top.get("runbooks"), site, diagnostics);
  read_power(top.get("power"), site, diagnostics);
  read_notify(top.get("notify"), site, diagnostics);
  read_log(top.get("log"), site, diagnostics);
  top.finish();
  check_groups_resolve(groups, site, diagnostics);
  return site;
}

Site load_site(const std::filesystem::path& path, Diagnostics& diagnostics,
               const CheckKindCatalogue& kinds) {
  Value root = load_yaml_file(path, diagnostics);
  if (root.is_null()) {
    Site site;
    site.file = path;
    site.unread = true;
    return site;
  }
  return read_site(root, path, diagnostics, kinds);
}

}  // namespace greenlight::config
