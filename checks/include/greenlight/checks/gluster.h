// Pure parsers of the GlusterFS CLI's XML output (GlusterFS 10, `--xml`):
// pool list / peer status, volume info, volume status [clients].
// Heal info has its own streaming parser (gluster_heal.h).
//
// Every function is pure and thread-safe: text in, struct or ParseError out.
// A non-zero <opRet> is a ParseError carrying <opErrstr> (e.g. "Volume v1 is
// not started"); malformed XML is a ParseError naming the element.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// One peer of the trusted pool. `pool list` lists the local node too (as
/// hostname "localhost"); `peer status` lists only the other peers.
struct GlusterPeer {
  std::string uuid;
  std::string hostname;
  /// <hostnames><hostname> of `peer status`: every name the peer is known by.
  std::vector<std::string> hostnames;
  bool connected = false;
  /// <stateStr>, e.g. "Peer in Cluster"; empty when the output has none
  /// (`pool list` of GlusterFS 10 does not print it).
  std::string state;
};

/// `gluster pool list --xml` or `gluster peer status --xml`.
Parsed<std::vector<GlusterPeer>> parse_gluster_peers(std::string_view xml);

enum class VolumeState { created, started, stopped, unknown };
std::string_view to_string(VolumeState state);

struct GlusterVolume {
  std::string name;
  std::string id;
  VolumeState state = VolumeState::unknown;
  std::string state_text;           ///< <statusStr>, e.g. "Started"
  std::string type;                 ///< <typeStr>, e.g. "Replicate"
  std::vector<std::string> bricks;  ///< "host:/path", in volume order
};

/// `gluster volume info [VOL] --xml`.
Parsed<std::vector<GlusterVolume>> parse_gluster_volume_info(std::string_view xml);

/// One client connection of a brick (`volume status ... clients`).
struct GlusterClient {
  std::string address;  ///< "hostname:port" as glusterd prints it
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
};

/// One brick process of `volume status`.
struct GlusterBrickStatus {
  std::string volume;
  std::string host;
  std::string path;
  bool online = false;
  std::optional<int> pid;   ///< absent when glusterd prints -1 or N/A
  std::optional<int> port;  ///< absent when N/A
  /// True when the output carried a <clientsStatus> for this brick; an
  /// offline brick has none and its client list is then unknown.
  bool clients_listed = false;
  std::vector<GlusterClient> clients;

  std::string name() const { return host + ":" + path; }
};

/// A volume daemon of `volume status` (Self-heal Daemon, NFS Server, ...).
struct GlusterDaemonStatus {
  std::string volume;
  std::string name;  ///< "Self-heal Daemon"
  std::string host;  ///< "localhost" or the peer's name
  bool online = false;
  std::optional<int> pid;
};

struct GlusterVolumeStatus {
  std::vector<std::string> volumes;  ///< names, in output order
  std::vector<GlusterBrickStatus> bricks;
  std::vector<GlusterDaemonStatus> daemons;
};

/// `gluster volume status VOL --xml`, `volume status all --xml` and
/// `volume status all clients --xml`.
Parsed<GlusterVolumeStatus> parse_gluster_volume_status(std::string_view xml);

/// One volume of `gluster volume status all client-list` (text: 10.3 prints
/// no counts with --xml): glusterd's count of the volume's clients by type,
/// as the brick processes report them: fuse, gfapi, rebalance, glustershd
/// (the self-heal daemons), quotad, snapd.
struct VolumeClientList {
  std::string volume;
  bool started = true;  ///< false for "Volume V is not started" (no counts)
  std::vector<std::pair<std::string, std::uint64_t>> counts;  ///< in output order
  std::optional<std::uint64_t> total;                         ///< "total clients for volume V : N"
  /// The count of `type`, 0 when not listed.
  std::uint64_t count(std::string_view type) const;
};

/// Parses the text of `gluster volume status all|VOL client-list`. Every
/// volume section must end with its total line, equal to the sum of its rows
/// (a cut or changed output is a ParseError naming the line). Empty text is
/// an empty list.
Parsed<std::vector<VolumeClientList>> parse_gluster_client_list(std::string_view text);

/// What `gluster volume heal VOL` (index heal trigger) said. It prints text
/// even with --xml; exit status 1 when a brick is down or the self-heal
/// daemon is off.
struct HealTrigger {
  bool launched = false;
  /// Why not: glusterd's explanation ("Self-heal-daemon is disabled. Heal
  /// will not be triggered on volume v1"), else its first line, else the
  /// exit status.
  std::string reason;
};

/// Never fails: any output and exit status map to a HealTrigger.
HealTrigger parse_gluster_heal_trigger(std::string_view output, int exit_status);

}  // namespace greenlight::checks
