// volume status [all] [clients] --xml.
#include "gluster/cli_xml.h"
#include "greenlight/checks/gluster.h"

namespace greenlight::checks {

using detail::child_text;
using detail::to_int;

namespace {

std::optional<int> positive(const std::string& text) {
  const auto v = to_int(text);
  if (!v || *v <= 0 || *v > 0x7fffffff) return std::nullopt;
  return static_cast<int>(*v);
}

}  // namespace

Parsed<GlusterVolumeStatus> parse_gluster_volume_status(std::string_view xml) {
  pugi::xml_document doc;
  if (auto err = detail::load_cli_output(doc, xml, "gluster volume status")) {
    return ParseError{*err};
  }
  const pugi::xml_node volumes = doc.child("cliOutput").child("volStatus").child("volumes");
  if (!volumes) return ParseError{"gluster volume status: no <volStatus><volumes> element"};
  GlusterVolumeStatus out;
  for (const pugi::xml_node vol : volumes.children("volume")) {
    const std::string name = child_text(vol, "volName");
    if (name.empty()) return ParseError{"gluster volume status: a volume has no <volName>"};
    out.volumes.push_back(name);
    for (const pugi::xml_node node : vol.children("node")) {
      const std::string hostname = child_text(node, "hostname");
      const std::string path = child_text(node, "path");
      const auto status = to_int(child_text(node, "status"));
      if (hostname.empty() || path.empty() || !status) {
        return ParseError{"gluster volume status: a node of volume " + name +
                          " lacks <hostname>, <path> or a numeric <status>"};
      }
      const bool online = *status == 1;
      // Bricks have an absolute path; daemons print their name as hostname
      // and the peer they run on as path.
      if (path.front() != '/') {
        out.daemons.push_back(
            GlusterDaemonStatus{name, hostname, path, online, positive(child_text(node, "pid"))});
        continue;
      }
      GlusterBrickStatus b;
      b.volume = name;
      b.host = hostname;
      b.path = path;
      b.online = online;
      b.pid = positive(child_text(node, "pid"));
      b.port = positive(child_text(node, "port"));
      if (const pugi::xml_node clients = node.child("clientsStatus")) {
        b.clients_listed = true;
        for (const pugi::xml_node c : clients.children("client")) {
          GlusterClient client;
          client.address = child_text(c, "hostname");
          if (client.address.empty()) {
            return ParseError{"gluster volume status: a client of brick " + b.name() +
                              " has no <hostname>"};
          }
          client.bytes_read = detail::to_uint(child_text(c, "bytesRead")).value_or(0);
          client.bytes_written = detail::to_uint(child_text(c, "bytesWrite")).value_or(0);
          b.clients.push_back(std::move(client));
        }
      }
      out.bricks.push_back(std::move(b));
    }
  }
  return out;
}

}  // namespace greenlight::checks
