// IPv6 hosts in gluster output, with and without brackets: client
// endpoints ("fd00::11:49151", glusterfs's own socket naming), brick hosts,
// brick names ("fd00::1:/data/brick1") and peer hostnames. Captures are the
// lab's real ones (tests/fixtures/gluster) with IPv6 addresses put in.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "../../checks/src/gluster/address.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  std::ifstream in(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("client endpoints: the port comes off IPv4, bracketed and bare IPv6 alike") {
  using detail::endpoint_host;
  CHECK(endpoint_host("10.0.0.1:49152") == "10.0.0.1");
  CHECK(endpoint_host("[fd00::11]:49151") == "fd00::11");
  CHECK(endpoint_host("fd00::11:49151") == "fd00::11");
  CHECK(endpoint_host("fd00::11:1021") == "fd00::11");
  CHECK(endpoint_host("top1:49152") == "top1");
  CHECK(endpoint_host("top1") == "top1");
  CHECK(detail::canonical_host("[FD00:0:0::11]") == "fd00::11");
  CHECK(detail::same_host("fd00:0::11", "[fd00::11]"));
  CHECK_FALSE(detail::same_host("fd00::11", "fd00::12"));
  CHECK(detail::canonical_brick("[fd00::1]:/data/b1") == "fd00::1:/data/b1");
  CHECK(detail::canonical_brick("fd00:0::1:/data/b1") == "fd00::1:/data/b1");
  CHECK(detail::canonical_brick("vm:/data/b1") == "vm:/data/b1");
}

TEST_CASE("clients: a blocking IPv6 client is named by its host, the port taken off") {
  const auto status = parse_gluster_volume_status(fixture("volume_status_all_clients_ipv6.xml"));
  REQUIRE(status.ok());
  REQUIRE(status->bricks.size() == 3);
  VolumeClientList list;
  list.volume = status->bricks.front().volume;
  list.counts = {{"fuse", 1}};
  list.total = 1;
  const auto r = gluster_clients_verdict({list}, *status, {});
  CHECK(r.status == Status::critical);
  INFO(r.message);
  CHECK_THAT(r.message, Catch::Contains("fd00::99"));
  // "fd00::11:49151" (glusterfs's naming), "[fd00::11]:49152" and
  // "fd00:0:0::11:49150" are one host.
  CHECK_THAT(r.message, !Catch::Contains("fd00::99:1021"));
  CHECK_THAT(r.message, !Catch::Contains(":49151"));
  CHECK_THAT(r.message, !Catch::Contains("[fd00::11]"));
  CHECK_THAT(r.message, !Catch::Contains("fd00:0:0::11"));
  // Only glusterd's own daemons counted: nothing blocks.
  list.counts = {{"glustershd", 3}};
  list.total = 3;
  CHECK(gluster_clients_verdict({list}, *status, {}).status == Status::ok);
}

TEST_CASE("volumes: bricks named with IPv6 hosts match their status however written") {
  const auto info = parse_gluster_volume_info(fixture("volume_info_ipv6.xml"));
  REQUIRE(info.ok());
  auto status = parse_gluster_volume_status(fixture("volume_status_all_clients_ipv6.xml"));
  REQUIRE(status.ok());
  const auto r = gluster_volumes_verdict(*info, &*status, {{"v1"}});
  CHECK(r.status == Status::ok);
  CHECK_THAT(r.message, Catch::Contains("3 bricks online"));
}

TEST_CASE("heal: bricks listed with IPv6 hosts are the volume's bricks") {
  VolumeHeal v{"v1", parse_gluster_heal_info(fixture("heal_info_clean_ipv6.xml"), 0,
                                             HealListing::entries),
               {"[fd00::1]:/data/brick1", "fd00::1:/data/brick2", "fd00:0::2:/data/brick3"}};
  CHECK(gluster_heal_verdict({v}).green());
  v.bricks.push_back("fd00::3:/data/brick4");
  const auto r = gluster_heal_verdict({v});
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "brick fd00::3:/data/brick4 not listed by heal info");
}

TEST_CASE("peers: an IPv6 peer matches its expected address however written") {
  const std::string pool =
      "<cliOutput><opRet>0</opRet><peerStatus>"
      "<peer><uuid>1</uuid><hostname>localhost</hostname><connected>1</connected></peer>"
      "<peer><uuid>2</uuid><hostname>fd00::2</hostname><hostnames><hostname>fd00::2</hostname>"
      "</hostnames><connected>1</connected></peer>"
      "<peer><uuid>3</uuid><hostname>[fd00::3]</hostname><connected>0</connected></peer>"
      "</peerStatus></cliOutput>";
  const auto peers = parse_gluster_peers(pool);
  REQUIRE(peers.ok());
  const auto r = gluster_peers_verdict(*peers, {{"fd00::1", "[fd00::2]", "fd00:0::3"}, "fd00::1", {}, false});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("peer fd00:0::3 disconnected"));
  CHECK_FALSE(r.message.find("unexpected") != std::string::npos);
  CHECK(*r.fact("peer", "[fd00::2]") == "connected");
}
