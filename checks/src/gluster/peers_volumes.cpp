// pool list / peer status / volume info --xml.
#include "gluster/cli_xml.h"
#include "greenlight/checks/gluster.h"

namespace greenlight::checks {

using detail::child_text;
using detail::to_int;

std::string_view to_string(VolumeState state) {
  switch (state) {
    case VolumeState::created:
      return "created";
    case VolumeState::started:
      return "started";
    case VolumeState::stopped:
      return "stopped";
    case VolumeState::unknown:
      return "unknown";
  }
  return "unknown";
}

Parsed<std::vector<GlusterPeer>> parse_gluster_peers(std::string_view xml) {
  pugi::xml_document doc;
  if (auto err = detail::load_cli_output(doc, xml, "gluster peer list")) return ParseError{*err};
  const pugi::xml_node list = doc.child("cliOutput").child("peerStatus");
  if (!list) return ParseError{"gluster peer list: no <peerStatus> element"};
  std::vector<GlusterPeer> peers;
  int index = 0;
  for (const pugi::xml_node peer : list.children("peer")) {
    ++index;
    GlusterPeer p;
    p.uuid = child_text(peer, "uuid");
    p.hostname = child_text(peer, "hostname");
    p.state = child_text(peer, "stateStr");
    for (const pugi::xml_node alias : peer.child("hostnames").children("hostname")) {
      p.hostnames.emplace_back(detail::trim(alias.text().get()));
    }
    const auto connected = to_int(child_text(peer, "connected"));
    if (p.hostname.empty() || !connected || (*connected != 0 && *connected != 1)) {
      return ParseError{"gluster peer list: peer #" + std::to_string(index) +
                        " lacks <hostname> or a 0/1 <connected>"};
    }
    p.connected = *connected == 1;
    peers.push_back(std::move(p));
  }
  return peers;
}

namespace {

VolumeState volume_state(std::string_view status_str, std::optional<std::int64_t> status) {
  // statusStr is what the operator reads; the numeric <status> (0 created,
  // 1 started, 2 stopped in glusterd's GLUSTERD_STATUS_*) is the fallback.
  if (status_str == "Started") return VolumeState::started;
  if (status_str == "Stopped") return VolumeState::stopped;
  if (status_str == "Created") return VolumeState::created;
  if (status_str.empty() && status) {
    if (*status == 0) return VolumeState::created;
    if (*status == 1) return VolumeState::started;
    if (*status == 2) return VolumeState::stopped;
  }
  return VolumeState::unknown;
}

}  // namespace

Parsed<std::vector<GlusterVolume>> parse_gluster_volume_info(std::string_view xml) {
  pugi::xml_document doc;
  if (auto err = detail::load_cli_output(doc, xml, "gluster volume info")) return ParseError{*err};
  const pugi::xml_node volumes = doc.child("cliOutput").child("volInfo").child("volumes");
  if (!volumes) return ParseError{"gluster volume info: no <volInfo><volumes> element"};
  std::vector<GlusterVolume> out;
  for (const pugi::xml_node vol : volumes.children("volume")) {
    GlusterVolume v;
    v.name = child_text(vol, "name");
    if (v.name.empty()) {
      return ParseError{"gluster volume info: volume #" + std::to_string(out.size() + 1) +
                        " has no <name>"};
    }
    v.id = child_text(vol, "id");
    v.state_text = child_text(vol, "statusStr");
    v.state = volume_state(v.state_text, to_int(child_text(vol, "status")));
    v.type = child_text(vol, "typeStr");
    for (const pugi::xml_node brick : vol.child("bricks").children("brick")) {
      std::string name = child_text(brick, "name");
      // Older releases print the brick only as the element's own text.
      if (name.empty()) name = detail::trim(brick.text().get());
      if (name.empty()) {
        return ParseError{"gluster volume info: a brick of volume " + v.name + " has no name"};
      }
      v.bricks.push_back(std::move(name));
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace greenlight::checks
