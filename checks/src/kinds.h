// Builders of the check kinds that live in their own files (check.cpp holds
// the older ones). Each reads its parameters through `reader`, reporting bad
// ones to the reader's diagnostics, and returns the Check.
#pragma once

#include <memory>

#include "greenlight/checks/check.h"
#include "greenlight/core/config_value.h"

namespace greenlight::checks::detail {

/// kinds gluster_peers (peers), gluster_volumes (volumes, expect),
/// gluster_heal (volumes, listing), gluster_clients (none; `ignore` is
/// refused); nullptr for another kind.
std::unique_ptr<Check> make_gluster_check(const config::CheckSpec& spec, const config::Site& site,
                                          config::MapReader& reader, const GroupResolver& groups);

/// kind prometheus_alerts: url, api, include, exclude, firing, unavailable.
std::unique_ptr<Check> make_prometheus_alerts_check(const config::CheckSpec& spec,
                                                    config::MapReader& reader);

/// kind dns_critical: addresses, nss, on, servers, server_records, domain,
/// resolve_command.
std::unique_ptr<Check> make_dns_check(const config::CheckSpec& spec, const config::Site& site,
                                      config::MapReader& reader, const GroupResolver& groups);

/// kind name_resolution: names, on, warning, critical, lookup_timeout.
std::unique_ptr<Check> make_name_resolution_check(const config::CheckSpec& spec,
                                                  const config::Site& site,
                                                  config::MapReader& reader,
                                                  const GroupResolver& groups);

/// kind power: nodes, expect (on|off), ping, ping_count.
std::unique_ptr<Check> make_power_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups);

}  // namespace greenlight::checks::detail
