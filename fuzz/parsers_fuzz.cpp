// libFuzzer target over the parsers of the checked programs' output
// (GlusterFS, fping, fleetctl, Nagios plugins, Prometheus and Alertmanager
// alerts, name resolution, ipmitool) and the verdicts that read them
// (fuzz/api_parsers_fuzz.cpp has the others). Built and run by `make fuzz`;
// the seeds are tests/fixtures and fuzz/corpus/parsers. The first input
// byte picks the exit status handed to the parsers that take one, so the
// outcome paths (251, 254, ...) are explored too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "greenlight/checks/dns.h"
#include "greenlight/checks/dns_servers.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/checks/fping.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/nagios.h"
#include "greenlight/checks/name_resolution.h"
#include "greenlight/checks/power.h"
#include "greenlight/checks/prometheus_alerts.h"

using namespace greenlight::checks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int exit_statuses[] = {0, 0, 0, 0, 1, 2, 251, 254};
  const int rc = exit_statuses[data[0] % 8];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  for (auto listing : {HealListing::entries, HealListing::summary, HealListing::split_brain}) {
    // Fed in uneven chunks: the chunk boundaries must not change the answer.
    HealInfoParser chunked(listing, 256);
    for (std::size_t i = 0; i < text.size(); i += 1 + i % 7) {
      chunked.feed(text.substr(i, 1 + i % 7));
    }
    const auto a = chunked.finish(rc);
    const auto b = parse_gluster_heal_info(text, rc, listing);
    if (a.ok() && b.ok() && a->bricks.size() != b->bricks.size()) __builtin_trap();
    const auto verdict = gluster_heal_verdict({VolumeHeal{"v", b}});
    if (verdict.green()) {
      for (const auto& brick : b->bricks) {
        if (!brick.readable || brick.pending.value_or(1) != 0) __builtin_trap();
      }
    }
  }
  if (const auto peers = parse_gluster_peers(text); peers.ok()) {
    (void)gluster_peers_verdict(*peers, {{"a", "b"}, "a", {{"b", "10.0.0.2"}}});
  }
  const auto status = parse_gluster_volume_status(text);
  if (const auto lists = parse_gluster_client_list(text); lists.ok() && status.ok()) {
    (void)gluster_clients_verdict(*lists, *status, {{{"top1", "127.0.0.1"}}});
  }
  if (const auto info = parse_gluster_volume_info(text); info.ok()) {
    (void)gluster_volumes_verdict(*info, status.ok() ? &*status : nullptr,
                                  {{"v1", VolumeState::started}});
  }
  (void)parse_gluster_heal_trigger(text, rc);
  if (const auto ping = parse_fping(text); ping.ok()) (void)fping_verdict(*ping, {{"a"}}, rc);
  if (const auto units = parse_fleet_units(text); units.ok()) {
    (void)fleet_units_verdict(*units,
                              {{"a"}, "pcocc-vm-%s.service", UnitExpectation::running, "", {}, {}}, rc);
  }
  (void)nagios_verdict(parse_nagios_output(text), rc, "x");
  for (auto api : {AlertApi::prometheus, AlertApi::alertmanager}) {
    // Whatever the answer, a green verdict means no selected alert fires.
    if (const auto alerts = parse_alerts(text, api); alerts.ok()) {
      const auto verdict = prometheus_alerts_verdict(*alerts, {});
      for (const auto& alert : *alerts) {
        if (verdict.green() && alert.firing()) __builtin_trap();
      }
    }
  }
  if (const auto answers = parse_resolve_output(text); answers.ok()) {
    (void)dns_servers_verdict({AddressRecord{"a", "adm", "10.0.0.1", true, true, {"a"}}},
                              {{"s", *answers, ""}});
  }
  if (const auto lookups = parse_hosts_file_lookups(text); lookups.ok()) {
    (void)hosts_files_verdict({AddressRecord{"a", "adm", "10.0.0.1", true, true, {"a"}}},
                              {{"h", *lookups, ""}});
  }
  if (const auto timings = parse_name_resolution(text); timings.ok()) {
    // Green only from a fast, resolved whole-path lookup of the name.
    const auto verdict = name_resolution_verdict({"a"}, {{"h", *timings, ""}}, {});
    if (verdict.green()) {
      bool fast = false;
      for (const auto& lookup : timings->lookups) {
        fast = fast || (lookup.name == "a" && lookup.source == "nss" && lookup.exit_status == 0 &&
                        lookup.ms < 500 && !lookup.address.empty());
      }
      if (!fast) __builtin_trap();
    }
  }
  if (const auto power = parse_chassis_power(text); power.ok()) {
    (void)power_state_verdict({NodePower{"n", "10.0.0.1", *power, "", false, ""}}, PowerGoal::off);
  }
  return 0;
}
