// Who may use greenlight serve's control socket: root, serve's own user and
// the members of the configured group; anyone else is refused with a
// message naming them and who may.
#include <catch2/catch.hpp>

#include "greenlight/control/control_socket.h"

using greenlight::control::Access;
using greenlight::control::Peer;
using greenlight::control::refusal;

namespace {

Peer peer(unsigned uid, unsigned gid, std::vector<unsigned> groups = {}) {
  Peer p;
  p.pid = 4242;
  p.uid = uid;
  p.gid = gid;
  p.groups = std::move(groups);
  return p;
}

}  // namespace

TEST_CASE("root and serve's own user may connect") {
  Access access;  // serve runs as root, no group
  CHECK(refusal(peer(0, 0), access, "/run/greenlight/control.sock").empty());
  access.owner = 990;  // serve runs as user greenlight
  CHECK(refusal(peer(0, 0), access, "/run/greenlight/control.sock").empty());
  CHECK(refusal(peer(990, 990), access, "/run/greenlight/control.sock").empty());
}

TEST_CASE("anyone else is refused, named, with who may") {
  Access access;
  // A uid no passwd file names, so that the message is the same everywhere.
  const unsigned stranger = 3999999;
  const auto why = refusal(peer(stranger, 1000), access, "/run/greenlight/control.sock");
  CHECK(why ==
        "greenlight serve refuses uid 3999999 (no user name) pid 4242: only root may use the "
        "control socket "
        "/run/greenlight/control.sock");
  access.owner = 990;
  access.group = 991;
  access.group_name = "greenlight-operators";
  CHECK(refusal(peer(stranger, 1000, {1000, 27}), access, "/s") ==
        "greenlight serve refuses uid 3999999 (no user name) pid 4242: only root, uid 990 and the members of group "
        "greenlight-operators may use the control socket /s");
  // Unknown credentials (getsockopt failed) are never root.
  CHECK_FALSE(refusal(peer(static_cast<unsigned>(-1), static_cast<unsigned>(-1)), access, "/s")
                  .empty());
}

TEST_CASE("a client whose pid serve cannot see is named with its user, not as pid 0") {
  Peer p = peer(0, 0);
  p.pid = 0;
  CHECK(p.describe() == "uid 0 (root) pid unknown (a process outside serve's PID namespace)");
}

TEST_CASE("members of the configured group may connect, primary or supplementary") {
  Access access;
  access.group = 991;
  access.group_name = "greenlight-operators";
  CHECK(refusal(peer(1000, 991), access, "/s").empty());
  CHECK(refusal(peer(1000, 1000, {1000, 991}), access, "/s").empty());
  CHECK_FALSE(refusal(peer(1000, 1000, {1000, 27}), access, "/s").empty());
}

TEST_CASE("nothing answers on a socket path that does not exist") {
  CHECK_FALSE(greenlight::control::answers("/nonexistent/greenlight/control.sock"));
}
