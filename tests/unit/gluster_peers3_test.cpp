// Verdicts on real captures of a 3-peer pool (tests/fixtures/gluster/peers3):
// a peer killed, its brick absent from volume status, heal info with a
// remote brick down, and client connections with and without a FUSE mount
// on a hypervisor.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/gluster_verdict.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/peers3/" +
                                     name);
}
const std::vector<std::string> kBricks{"gp1:/tmp/glcap/1/bricks/b", "gp2:/tmp/glcap/2/bricks/b",
                                       "gp3:/tmp/glcap/3/bricks/b"};
}  // namespace

TEST_CASE("3 peers: all connected, then gp3 disconnected") {
  for (const auto& file : {"peer_status.xml", "pool_list.xml"}) {
    CAPTURE(file);
    const auto peers = parse_gluster_peers(fixture(file));
    REQUIRE(peers.ok());
    CHECK(gluster_peers_verdict(*peers, {{"gp1", "gp2", "gp3"}, "gp1", {}, false}).green());
  }
  for (const auto& file : {"peer_status_disconnected.xml", "pool_list_disconnected.xml"}) {
    CAPTURE(file);
    const auto peers = parse_gluster_peers(fixture(file));
    REQUIRE(peers.ok());
    const auto r = gluster_peers_verdict(*peers, {{"gp1", "gp2", "gp3"}, "gp1", {}, false});
    CHECK(r.status == Status::critical);
    CHECK(r.message == "peer gp3 disconnected (Peer in Cluster)");
  }
}

TEST_CASE("3 peers: a dead peer's brick is missing from volume status, not offline") {
  const auto info = parse_gluster_volume_info(fixture("volume_info.xml"));
  const auto up = parse_gluster_volume_status(fixture("volume_status.xml"));
  const auto down = parse_gluster_volume_status(fixture("volume_status_peerdown.xml"));
  REQUIRE(info.ok());
  REQUIRE(up.ok());
  REQUIRE(down.ok());
  CHECK(info->at(0).bricks == kBricks);
  CHECK(up->daemons.size() == 3);
  CHECK(gluster_volumes_verdict(*info, &*up, {{"vcap", VolumeState::started}}).green());
  CHECK(down->bricks.size() == 2);
  const auto r = gluster_volumes_verdict(*info, &*down, {{"vcap", VolumeState::started}});
  CHECK(r.status == Status::critical);
  CHECK(r.message == "brick gp3:/tmp/glcap/3/bricks/b of vcap missing from volume status");
  const auto stopped = parse_gluster_volume_info(fixture("volume_info_stopped.xml"));
  REQUIRE(stopped.ok());
  CHECK(gluster_volumes_verdict(*stopped, nullptr, {{"vcap", VolumeState::stopped}}).green());
}

TEST_CASE("3 peers: heal info with the remote brick down, then healed") {
  const auto full =
      parse_gluster_heal_info(fixture("heal_info_peerdown.xml"), 0, HealListing::entries);
  REQUIRE(full.ok());
  REQUIRE(full->bricks.size() == 3);
  CHECK(full->bricks[0].pending == 6u);
  CHECK_FALSE(full->bricks[2].readable);
  const auto r = gluster_heal_verdict({VolumeHeal{"vcap", full, kBricks}});
  CHECK(r.status == Status::unknown);
  CHECK_THAT(r.message, Catch::Contains("brick gp3:/tmp/glcap/3/bricks/b unreadable: Transport "
                                        "endpoint is not connected"));
  CHECK_THAT(r.message, Catch::Contains("6 entries pending on gp1:/tmp/glcap/1/bricks/b"));

  const auto summary =
      parse_gluster_heal_info(fixture("heal_info_summary_peerdown.xml"), 0, HealListing::summary);
  REQUIRE(summary.ok());
  CHECK_FALSE(gluster_heal_verdict({VolumeHeal{"vcap", summary, kBricks}}).green());

  const auto clean =
      parse_gluster_heal_info(fixture("heal_info_summary_clean.xml"), 0, HealListing::summary);
  REQUIRE(clean.ok());
  const auto healed = gluster_heal_verdict({VolumeHeal{"vcap", clean, kBricks}});
  CHECK(healed.green());
  CHECK(healed.message == "1 volumes healed: 3 bricks readable, none pending or in split-brain");
}
