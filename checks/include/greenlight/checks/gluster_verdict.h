// Verdict rules for the GlusterFS gates of the restart procedure: peers,
// volumes, heal, clients. Pure functions from parsed output + expectation to
// a CheckResult; the rules and the facts they emit are in docs/checks.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"

namespace greenlight::checks {

struct PeersExpectation {
  /// Peers that must be in the pool (an expanded node set, e.g. @top,@worker).
  std::vector<std::string> peers;
  /// The node the command ran on: `pool list` calls it "localhost" and
  /// `peer status` omits it; it counts as present and connected.
  std::string local_node;
};

/// Green when every expected peer is listed, connected and (when the output
/// says) "Peer in Cluster". Missing or disconnected: critical; listed but
/// not expected: warning. A peer matches by hostname, any of its
/// <hostnames>, or the short name (before the first '.').
CheckResult gluster_peers_verdict(const std::vector<GlusterPeer>& peers,
                                  const PeersExpectation& expect);

struct VolumeExpectation {
  std::string name;
  VolumeState state = VolumeState::started;  ///< started or stopped
};

/// Green when every expected volume exists in the expected state and, for a
/// volume expected started, every brick of `volume info` is online in
/// `status`. `status` may be null when `volume status` failed or could not
/// be parsed (`status_error` says why): a volume expected started is then
/// unknown (its bricks were not seen), a volume expected stopped needs no
/// brick status (`volume status all` fails when no volume is started).
CheckResult gluster_volumes_verdict(const std::vector<GlusterVolume>& info,
                                    const GlusterVolumeStatus* status,
                                    const std::vector<VolumeExpectation>& expect,
                                    const std::string& status_error = {});

/// One volume's heal info, as parsed (or the reason it could not be).
struct VolumeHeal {
  std::string volume;
  Parsed<HealInfo> heal;
  /// The volume's bricks ("host:/path", from volume info). When given, a
  /// brick missing from the heal listing is unknown rather than ignored.
  std::vector<std::string> bricks = {};
};

/// Green only when every brick of every volume is readable with 0 pending,
/// 0 split-brain (and, from a summary, 0 possibly healing). Split-brain,
/// stopped or missing volume: critical; unreadable brick, unparsable output,
/// failed command, no brick listed, an expected brick not listed, a
/// split-brain listing (it cannot prove entries healed): unknown;
/// entries pending, possibly healing, or a summary total above its parts:
/// warning (healing in progress).
CheckResult gluster_heal_verdict(const std::vector<VolumeHeal>& volumes);

struct ClientsExpectation {
  /// Client hosts to ignore (the hypervisors' self-heal daemons): names and
  /// addresses, matched against the host part of "host:port".
  std::vector<std::string> ignore;
  /// Connections an ignored host may hold on one brick: its self-heal daemon
  /// holds one. A second one from the same host is a client (e.g. a FUSE
  /// mount left on a hypervisor) and is not ignored.
  std::size_t connections_per_ignored_host = 1;
};

/// Green when no brick has a client other than the ignored hosts' allowance.
/// An offline brick has no client connection and counts as none; no started
/// volume at all (`<volumes/>`) means no client can be connected: ok.
CheckResult gluster_clients_verdict(const GlusterVolumeStatus& status,
                                    const ClientsExpectation& expect);

}  // namespace greenlight::checks
