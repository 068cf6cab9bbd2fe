// The clients gate before the volumes are stopped: glusterd's own count of
// each volume's clients by type decides; the connections of `volume status
// all clients` only name the hosts that hold them.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "address.h"
#include "findings.h"
#include "greenlight/checks/gluster_verdict.h"
#include "listing.h"

namespace greenlight::checks {

namespace {

// "10.0.0.1:49152" -> "10.0.0.1"; "[fd00::11]:49151" and "fd00::11:49151"
// (glusterfs's own socket naming) -> "fd00::11" (address.h).
std::string client_host(const std::string& address) {
  return detail::canonical_host(detail::endpoint_host(address));
}

// Clients of glusterd's own making, stopped with the volume.
bool daemon_client(const std::string& type) {
  return type == "glustershd" || type == "quotad" || type == "snapd";
}

std::string address_of(const std::string& host, const ClientsExpectation& expect) {
  const auto it = expect.address_of_host.find(host);
  return it == expect.address_of_host.end() ? host : it->second;
}

std::string shown(const std::string& address, const ClientsExpectation& expect) {
  for (const auto& [host, a] : expect.address_of_host)
    if (a == address && host != address) return fmt::format("{} ({})", host, address);
  return address;
}

// The hosts of `volume` holding more connections to one of its bricks than
// their self-heal daemon would (one per brick, on the volume's brick
// servers and the pool's peers): where a mount or a gfapi program runs.
// Adds the volume's brick samples; a "client" fact per such host and brick
// when `blocking` (glusterd counted a client of the volume).
std::vector<std::string> client_hosts(const GlusterVolumeStatus& status, const std::string& volume,
                                      const ClientsExpectation& expect, bool blocking,
                                      bool healers, CheckResult& r) {
  // Hosts running a self-heal daemon connected to the volume, one connection
  // each; none when glusterd counts no glustershd for it (a distribute
  // volume, the daemon off).
  std::set<std::string> servers;
  if (healers) {
    for (const auto& b : status.bricks)
      if (b.volume == volume) servers.insert(detail::canonical_host(address_of(b.host, expect)));
    for (const auto& host : expect.daemon_hosts)
      servers.insert(detail::canonical_host(address_of(host, expect)));
  }
  std::set<std::string> hosts;
  for (const auto& b : status.bricks) {
    if (b.volume != volume) continue;
    std::map<std::string, std::size_t> per_host;
    for (const auto& c : b.clients) ++per_host[client_host(c.address)];
    std::size_t beyond = 0;
    for (const auto& [host, n] : per_host) {
      const std::size_t allowance = servers.count(host) ? 1 : 0;
      if (n <= allowance) continue;
      beyond += n - allowance;
      hosts.insert(host);
      if (blocking) r.add_fact("client", host, b.name());
    }
    const std::vector<std::pair<std::string, std::string>> labels{{"volume", b.volume},
                                                                  {"brick", b.name()}};
    r.add_sample("greenlight_gluster_brick_clients", labels, static_cast<double>(b.clients.size()));
    r.add_sample("greenlight_gluster_brick_foreign_clients", labels, static_cast<double>(beyond));
  }
  std::vector<std::string> out;
  for (const auto& host : hosts) out.push_back(shown(host, expect));
  return out;
}

}  // namespace

CheckResult gluster_clients_verdict(const std::vector<VolumeClientList>& lists,
                                    const GlusterVolumeStatus& status,
                                    const ClientsExpectation& expect) {
  CheckResult r;
  detail::Findings findings;
  std::size_t started = 0, daemons = 0;
  std::set<std::string> listed;
  for (const auto& list : lists) {
    listed.insert(list.volume);
    if (!list.started) continue;
    ++started;
    std::vector<std::string> clients;
    std::size_t healers = 0;
    for (const auto& [type, n] : list.counts) {
      if (type == "glustershd") healers += n;
      r.add_sample("greenlight_gluster_volume_clients", {{"volume", list.volume}, {"type", type}},
                   static_cast<double>(n));
      if (daemon_client(type)) {
        daemons += n;
      } else if (n > 0) {
        clients.push_back(fmt::format("{} {}", n, type));
      }
    }
    const auto hosts = client_hosts(status, list.volume, expect, !clients.empty(), healers > 0, r);
    if (clients.empty()) continue;
    findings.add(
        Status::critical,
        fmt::format("{} client{} of {} ({}) {}", clients.size() == 1 ? "a" : "the",
                    clients.size() == 1 ? "" : "s", list.volume, detail::join_names(clients),
                    hosts.empty() ? "from a host volume status does not tell"
                                  : "from " + detail::join_names(hosts)));
  }
  // A volume volume status shows started must have its counts.
  for (const auto& volume : status.volumes) {
    if (listed.count(volume) == 0) {
      findings.add(Status::unknown, fmt::format("client-list does not list volume {}", volume));
    } else if (std::any_of(lists.begin(), lists.end(), [&](const VolumeClientList& l) {
                 return l.volume == volume && !l.started;
               })) {
      findings.add(Status::unknown,
                   fmt::format("volume {} started in volume status, not in client-list", volume));
    }
  }
  if (lists.empty()) findings.add(Status::unknown, "client-list listed no volume");
  r.status = findings.status();
  r.message = findings.message(
      started == 0
          ? fmt::format("no started volume: no client can be connected ({} stopped)", lists.size())
          : fmt::format("no client of {} started volume{} ({} self-heal daemon "
                        "connections)",
                        started, started == 1 ? "" : "s", daemons));
  return r;
}

}  // namespace greenlight::checks
