// Verdict rules for the GlusterFS gates of the restart procedure: peers,
// volumes, heal, clients. Pure functions from parsed output + expectation to
// a CheckResult; the rules and the facts they emit are in docs/checks.md.
#pragma once

#include <map>
#include <set>
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
  /// The node the command ran on: `pool list` calls it "localhost" (and
  /// `peer status` omits it); it counts as present and connected only when
  /// the pool list shows "localhost".
  std::string local_node;
  /// Site host name -> its address: a peer probed by address is listed
  /// under that address ("10.77.0.2", "fd00::2", however written).
  std::map<std::string, std::string> address_of_host;
  /// The listing is `pool list`, which always shows the local node as
  /// "localhost": without it, the answer says nothing about the local node.
  bool lists_localhost = false;
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
  /// Site host name -> address, to match a brick's host (a name) with the
  /// client connections (addresses) and to show "worker1 (10.1.0.4)".
  std::map<std::string, std::string> address_of_host;
  /// The hosts (site names or addresses) that run a self-heal daemon: the
  /// trusted pool's peers (`gluster pool list`; GlusterFS 10 runs one on
  /// every peer, with or without a brick of the volume). A brick's server
  /// runs one in any case.
  std::set<std::string> daemon_hosts{};
};

/// Green when glusterd counts no client of any started volume other than its
/// own daemons (glustershd, the self-heal daemons, never block; quotad and
/// snapd neither): `lists` from `volume status all client-list`. A fuse,
/// gfapi or rebalance client of any volume is critical, named with the
/// hosts that hold it, from `status` (`volume status all clients`): on a
/// brick, a host holds one self-heal daemon connection if it serves a brick
/// of the volume or is in `expect.daemon_hosts` (and glusterd counts a
/// glustershd for the volume), and none otherwise, so any connection beyond
/// that is the client's. Unknown: an empty client-list, a volume `status` shows
/// started that client-list does not count. Every volume stopped ("Volume V
/// is not started"): ok, no client can be connected.
CheckResult gluster_clients_verdict(const std::vector<VolumeClientList>& lists,
                                    const GlusterVolumeStatus& status,
                                    const ClientsExpectation& expect);

}  // namespace greenlight::checks
