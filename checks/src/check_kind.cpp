#include "greenlight/checks/check_kind.h"

#include "kinds.h"

namespace greenlight::checks {

namespace {

std::unique_ptr<Check> gluster(const config::CheckSpec& spec, const config::Site& site,
                               config::MapReader& reader, const GroupResolver& groups) {
  return detail::make_gluster_check(spec, site, reader, groups);
}

std::unique_ptr<Check> prometheus_alerts(const config::CheckSpec& spec, const config::Site&,
                                         config::MapReader& reader, const GroupResolver&) {
  return detail::make_prometheus_alerts_check(spec, reader);
}

}  // namespace

const std::vector<CheckKind>& check_kinds() {
  // name, builder, keeps_secrets, feeds
  static const std::vector<CheckKind> kinds = {
      {"gluster_peers", gluster, false, ""},
      {"gluster_volumes", gluster, false, ""},
      {"gluster_heal", gluster, false, ""},
      {"gluster_clients", gluster, false, ""},
      {"fping", detail::make_fping_check, false, ""},
      {"fleet_units", detail::make_fleet_check, false, "vm"},
      {"dns_critical", detail::make_dns_check, false, ""},
      {"nagios", detail::make_plugin_check, false, ""},
      {"command", detail::make_plugin_check, false, ""},
      {"prometheus_alerts", prometheus_alerts, false, ""},
      {"power", detail::make_power_check, true, ""},
      {"name_resolution", detail::make_name_resolution_check, false, ""},
  };
  return kinds;
}

const CheckKind* find_check_kind(std::string_view name) {
  for (const auto& kind : check_kinds())
    if (kind.name == name) return &kind;
  return nullptr;
}

std::optional<GroupFeed> group_feed(const config::CheckSpec& spec) {
  const CheckKind* kind = find_check_kind(spec.kind);
  if (kind == nullptr || kind->feeds.empty()) return std::nullopt;
  GroupFeed feed{std::string(kind->feeds), std::string(kind->feeds)};
  if (const config::Value* v = spec.parameters.find("group_source"); v != nullptr && v->is_scalar())
    feed.source = v->scalar;
  return feed;
}

const config::CheckKindCatalogue& kind_catalogue() {
  static const config::CheckKindCatalogue catalogue = [] {
    config::CheckKindCatalogue c;
    for (const auto& kind : check_kinds()) c.names.emplace_back(kind.name);
    c.group_source = [](const config::CheckSpec& spec) -> std::optional<std::string> {
      auto feed = group_feed(spec);
      if (!feed) return std::nullopt;
      return feed->source;
    };
    return c;
  }();
  return catalogue;
}

config::Site load_site(const std::filesystem::path& path, config::Diagnostics& diagnostics) {
  return config::load_site(path, diagnostics, kind_catalogue());
}

config::Site read_site(const config::Value& root, const std::filesystem::path& file,
                       config::Diagnostics& diagnostics) {
  return config::read_site(root, file, diagnostics, kind_catalogue());
}

}  // namespace greenlight::checks
