// Builders of the check kinds, registered in check_kind.cpp (the registry,
// greenlight/checks/check_kind.h). Each reads its parameters through
// `reader`, reporting bad ones to the reader's diagnostics, and returns the
// Check.
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

/// kind fping: targets, count, rtt_warning, rtt_critical,
/// loss_warning_percent, loss_critical_percent, expect (check.cpp).
std::unique_ptr<Check> make_fping_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups);

/// kind fleet_units: vms, expect, no_other_active, active_allowed,
/// unit_format, group_source (check.cpp).
std::unique_ptr<Check> make_fleet_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups);

/// kinds nagios and command: the check's `command` (required), judged as a
/// Nagios plugin or by its exit status (check.cpp).
std::unique_ptr<Check> make_plugin_check(const config::CheckSpec& spec, const config::Site& site,
                                         config::MapReader& reader, const GroupResolver& groups);

/// kind power: nodes, expect (on|off), ping, ping_count.
std::unique_ptr<Check> make_power_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups);

}  // namespace greenlight::checks::detail
