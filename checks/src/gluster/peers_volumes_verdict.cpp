#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "address.h"
#include "findings.h"
#include "greenlight/checks/gluster_verdict.h"

namespace greenlight::checks {

namespace {

std::string short_name(const std::string& name) {
  const auto dot = name.find('.');
  // An IPv4 or IPv6 address is not shortened.
  if (dot == std::string::npos || name.find(':') != std::string::npos || std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.';
      })) {
    return name;
  }
  return name.substr(0, dot);
}

// The peer is `node` when gluster lists it under the node's name (short or
// fully qualified) or under its address from the site (a peer probed by
// address), however the address is written.
bool peer_is(const GlusterPeer& p, const std::string& node, const PeersExpectation& expect) {
  const auto address = expect.address_of_host.find(node);
  auto named = [&](const std::string& h) {
    return detail::same_host(h, node) || short_name(h) == node ||
           (address != expect.address_of_host.end() && detail::same_host(h, address->second));
  };
  return named(p.hostname) || std::any_of(p.hostnames.begin(), p.hostnames.end(), named);
}

}  // namespace

CheckResult gluster_peers_verdict(const std::vector<GlusterPeer>& peers,
                                  const PeersExpectation& expect) {
  CheckResult r;
  detail::Findings findings;
  std::vector<bool> matched(peers.size(), false);
  std::size_t connected = 0;
  // `pool list` shows the local node as "localhost" (`peer status` omits
  // it): a pool list without it says nothing about the local node.
  const bool lists_local = std::any_of(
      peers.begin(), peers.end(), [](const GlusterPeer& p) { return p.hostname == "localhost"; });
  for (const auto& node : expect.peers) {
    if (!expect.local_node.empty() && node == expect.local_node && expect.lists_localhost &&
        !lists_local) {
      r.add_fact("peer", node, "missing");
      r.add_sample("gluster_peer_connected", {{"hostname", node}}, 0);
      findings.add(Status::unknown,
                   fmt::format("the pool list does not show this node ({}) as localhost: "
                               "glusterd's answer is incomplete",
                               node));
      continue;
    }
    if (!expect.local_node.empty() && node == expect.local_node) {
      for (std::size_t i = 0; i < peers.size(); ++i) {
        if (peers[i].hostname == "localhost" || peer_is(peers[i], node, expect)) matched[i] = true;
      }
      r.add_fact("peer", node, "connected");
      r.add_sample("gluster_peer_connected", {{"hostname", node}}, 1);
      ++connected;
      continue;
    }
    const GlusterPeer* found = nullptr;
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (!matched[i] && peer_is(peers[i], node, expect)) {
        found = &peers[i];
        matched[i] = true;
        break;
      }
    }
    if (!found) {
      r.add_fact("peer", node, "missing");
      r.add_sample("gluster_peer_connected", {{"hostname", node}}, 0);
      findings.add(Status::critical, fmt::format("peer {} not in the pool", node));
      continue;
    }
    r.add_sample("gluster_peer_connected", {{"hostname", node}}, found->connected ? 1 : 0);
    if (!found->connected) {
      r.add_fact("peer", node, "disconnected");
      findings.add(Status::critical,
                   fmt::format("peer {} disconnected{}", node,
                               found->state.empty() ? "" : " (" + found->state + ")"));
    } else if (!found->state.empty() && found->state != "Peer in Cluster") {
      r.add_fact("peer", node, "connected");
      findings.add(Status::critical, fmt::format("peer {} in state '{}'", node, found->state));
    } else {
      r.add_fact("peer", node, "connected");
      ++connected;
    }
  }
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (matched[i] || peers[i].hostname == "localhost") continue;
    r.add_fact("peer", peers[i].hostname, peers[i].connected ? "connected" : "disconnected");
    findings.add(Status::warning, fmt::format("unexpected peer {} in the pool", peers[i].hostname));
  }
  // Like gluster-prometheus: every node of the pool, the local one included.
  r.add_sample(
      "gluster_peer_count", {},
      static_cast<double>(peers.size() + (lists_local || expect.local_node.empty() ? 0 : 1)));
  if (expect.peers.empty()) findings.add(Status::unknown, "no peer expected: nothing to verify");
  r.status = findings.status();
  r.message = findings.message(fmt::format("all {} peers connected", connected));
  return r;
}

CheckResult gluster_volumes_verdict(const std::vector<GlusterVolume>& info,
                                    const GlusterVolumeStatus* status,
                                    const std::vector<VolumeExpectation>& expect,
                                    const std::string& status_error) {
  CheckResult r;
  detail::Findings findings;
  std::map<std::string, const GlusterBrickStatus*> bricks;
  std::set<std::string> status_volumes;
  if (status) {
    for (const auto& b : status->bricks)
      bricks[b.volume + "\n" + detail::canonical_brick(b.name())] = &b;
    status_volumes.insert(status->volumes.begin(), status->volumes.end());
  }
  std::size_t bricks_up = 0;
  for (const auto& want : expect) {
    const auto it = std::find_if(info.begin(), info.end(),
                                 [&](const GlusterVolume& v) { return v.name == want.name; });
    if (it == info.end()) {
      r.add_fact("volume", want.name, "missing");
      findings.add(Status::critical, fmt::format("volume {} does not exist", want.name));
      continue;
    }
    const GlusterVolume& v = *it;
    r.add_fact("volume", v.name, std::string(to_string(v.state)));
    r.add_sample("gluster_volume_up", {{"volume", v.name}},
                 v.state == VolumeState::started ? 1 : 0);
    if (v.state != want.state) {
      findings.add(Status::critical,
                   fmt::format("volume {} is {}, expected {}", v.name,
                               v.state == VolumeState::unknown ? "'" + v.state_text + "'"
                                                               : std::string(to_string(v.state)),
                               to_string(want.state)));
      continue;
    }
    if (v.state != VolumeState::started) continue;
    if (!status) {
      // Started, but its bricks could not be read: not proven serving.
      findings.add(Status::unknown,
                   fmt::format("bricks of {} not checked: {}", v.name,
                               status_error.empty() ? "no volume status" : status_error));
      continue;
    }
    if (!status_volumes.count(v.name)) {
      findings.add(Status::unknown, fmt::format("volume status does not list volume {}", v.name));
      continue;
    }
    for (const auto& brick : v.bricks) {
      const auto b = bricks.find(v.name + "\n" + detail::canonical_brick(brick));
      const bool up = b != bricks.end() && b->second->online;
      r.add_fact("brick", brick, up ? "online" : "offline");
      r.add_sample("gluster_brick_up", {{"volume", v.name}, {"brick", brick}}, up ? 1 : 0);
      if (up) {
        ++bricks_up;
      } else {
        findings.add(Status::critical,
                     b == bricks.end()
                         ? fmt::format("brick {} of {} missing from volume status", brick, v.name)
                         : fmt::format("brick {} of {} offline", brick, v.name));
      }
    }
  }
  if (expect.empty()) findings.add(Status::unknown, "no volume expected: nothing to verify");
  r.status = findings.status();
  std::string ok = fmt::format("{} volumes as expected", expect.size());
  if (bricks_up > 0) ok += fmt::format(", {} bricks online", bricks_up);
  r.message = findings.message(ok);
  return r;
}

}  // namespace greenlight::checks
