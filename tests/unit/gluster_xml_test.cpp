// Parsers of gluster pool list / peer status / volume info / volume status
// --xml, on real GlusterFS 10.3 captures.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/commands.h"
#include "greenlight/checks/gluster.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
}
}  // namespace

TEST_CASE("pool list --xml lists the local peer") {
  const auto peers = parse_gluster_peers(fixture("pool_list.xml"));
  REQUIRE(peers.ok());
  REQUIRE(peers->size() == 1);
  CHECK(peers->at(0).uuid == "a9cde00e-59b5-48d9-8467-a05321c630bc");
  CHECK(peers->at(0).hostname == "localhost");
  CHECK(peers->at(0).connected);
}

TEST_CASE("peer status --xml of a single-node pool is an empty list") {
  const auto peers = parse_gluster_peers(fixture("peer_status.xml"));
  REQUIRE(peers.ok());
  CHECK(peers->empty());
}

TEST_CASE("peer status --xml with disconnected peers and state strings") {
  // Shape of GlusterFS 10 `peer status --xml` for a 3-node pool, one peer
  // killed (written for this test from glusterd's cli-xml-output.c layout).
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><peerStatus>
<peer><uuid>u2</uuid><hostname>top2</hostname><hostnames><hostname>top2</hostname><hostname>10.1.0.2</hostname></hostnames><connected>1</connected><state>3</state><stateStr>Peer in Cluster</stateStr></peer>
<peer><uuid>u3</uuid><hostname>top3</hostname><hostnames><hostname>top3</hostname></hostnames><connected>0</connected><state>3</state><stateStr>Peer in Cluster</stateStr></peer>
</peerStatus></cliOutput>)";
  const auto peers = parse_gluster_peers(xml);
  REQUIRE(peers.ok());
  REQUIRE(peers->size() == 2);
  CHECK(peers->at(0).hostname == "top2");
  CHECK(peers->at(0).connected);
  CHECK(peers->at(0).state == "Peer in Cluster");
  CHECK(peers->at(1).hostname == "top3");
  CHECK_FALSE(peers->at(1).connected);
}

TEST_CASE("peer list rejects a peer without connected flag") {
  const auto peers = parse_gluster_peers(
      "<cliOutput><opRet>0</opRet><peerStatus><peer><hostname>a</hostname></peer>"
      "</peerStatus></cliOutput>");
  REQUIRE_FALSE(peers.ok());
  CHECK_THAT(peers.error().reason, Catch::Contains("peer #1"));
}

TEST_CASE("volume info --xml: started and stopped volumes with their bricks") {
  const auto started = parse_gluster_volume_info(fixture("volume_info.xml"));
  REQUIRE(started.ok());
  REQUIRE(started->size() == 1);
  const auto& v = started->at(0);
  CHECK(v.name == "v1");
  CHECK(v.state == VolumeState::started);
  CHECK(v.state_text == "Started");
  CHECK(v.type == "Replicate");
  CHECK(v.bricks ==
        std::vector<std::string>{"vm:/data/brick1", "vm:/data/brick2", "vm:/data/brick3"});
  const auto stopped = parse_gluster_volume_info(fixture("volume_info_stopped.xml"));
  REQUIRE(stopped.ok());
  CHECK(stopped->at(0).state == VolumeState::stopped);
}

TEST_CASE("volume status --xml: bricks online, pids, ports and the self-heal daemon") {
  const auto status = parse_gluster_volume_status(fixture("volume_status.xml"));
  REQUIRE(status.ok());
  CHECK(status->volumes == std::vector<std::string>{"v1"});
  REQUIRE(status->bricks.size() == 3);
  CHECK(status->bricks[0].name() == "vm:/data/brick1");
  CHECK(status->bricks[0].online);
  CHECK(status->bricks[0].pid == 9773);
  CHECK(status->bricks[0].port == 58185);
  CHECK_FALSE(status->bricks[0].clients_listed);
  REQUIRE(status->daemons.size() == 1);
  CHECK(status->daemons[0].name == "Self-heal Daemon");
  CHECK(status->daemons[0].host == "localhost");
  CHECK(status->daemons[0].online);
}

TEST_CASE("volume status --xml with a brick down") {
  const auto status = parse_gluster_volume_status(fixture("volume_status_brickdown.xml"));
  REQUIRE(status.ok());
  REQUIRE(status->bricks.size() == 3);
  CHECK_FALSE(status->bricks[2].online);
  CHECK_FALSE(status->bricks[2].pid.has_value());
  CHECK_FALSE(status->bricks[2].port.has_value());
}

TEST_CASE("volume status of a stopped volume is an error naming glusterd's message") {
  const auto status = parse_gluster_volume_status(fixture("volume_status_stopped.xml"));
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error().reason, Catch::Contains("Volume v1 is not started"));
}

TEST_CASE("volume status all clients --xml: clients per brick") {
  const auto status = parse_gluster_volume_status(fixture("volume_status_all_clients.xml"));
  REQUIRE(status.ok());
  REQUIRE(status->bricks.size() == 3);
  for (const auto& b : status->bricks) {
    CHECK(b.clients_listed);
    CHECK(b.clients.size() == 1);
  }
  CHECK(status->bricks[0].clients[0].address == "127.0.0.1:49143");
  CHECK(status->bricks[0].clients[0].bytes_read == 4684);
  CHECK(status->bricks[0].clients[0].bytes_written == 4988);

  const auto down = parse_gluster_volume_status(fixture("volume_status_all_clients_brickdown.xml"));
  REQUIRE(down.ok());
  REQUIRE(down->bricks.size() == 3);
  CHECK(down->bricks[0].clients.size() == 2);
  CHECK(down->bricks[0].clients[1].address == "127.0.0.1:49112");
  CHECK_FALSE(down->bricks[2].online);
  CHECK_FALSE(down->bricks[2].clients_listed);
}

TEST_CASE("gluster XML parsers reject what is not gluster XML") {
  for (const std::string& bad : {std::string(), std::string("   \n"), std::string("<cliOutput>"),
                                 std::string("<html></html>"),
                                 std::string("Connection failed. "
                                             "Please check if gluster daemon is operational.")}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_gluster_peers(bad).ok());
    CHECK_FALSE(parse_gluster_volume_info(bad).ok());
    CHECK_FALSE(parse_gluster_volume_status(bad).ok());
  }
  const auto err = parse_gluster_volume_info("<cliOutput><opRet>0</opRet><volInfo>");
  REQUIRE_FALSE(err.ok());
  CHECK_THAT(err.error().reason, Catch::Contains("malformed XML"));
}

TEST_CASE("heal trigger: launched, brick down, self-heal daemon off") {
  const auto ok = parse_gluster_heal_trigger(fixture("heal_trigger.txt"), 0);
  CHECK(ok.launched);
  CHECK(ok.reason.empty());
  const auto down = parse_gluster_heal_trigger(fixture("heal_trigger_brickdown.txt"), 1);
  CHECK_FALSE(down.launched);
  CHECK(down.reason ==
        "Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for "
        "details.");
  const auto off = parse_gluster_heal_trigger(fixture("heal_trigger_shd_off.txt"), 1);
  CHECK_FALSE(off.launched);
  CHECK(off.reason == "Self-heal-daemon is disabled. Heal will not be triggered on volume v1");
  const auto odd = parse_gluster_heal_trigger(fixture("heal_trigger.txt"), 1);
  CHECK_FALSE(odd.launched);
  CHECK_THAT(odd.reason, Catch::StartsWith("exit status 1 after: Launching heal"));
  CHECK(parse_gluster_heal_trigger("", 110).reason == "exit status 110");
}

TEST_CASE("gluster command lines read by these parsers") {
  using V = std::vector<std::string>;
  CHECK(gluster_pool_list_argv() == V{"gluster", "--mode=script", "pool", "list", "--xml"});
  CHECK(gluster_volume_info_argv() == V{"gluster", "--mode=script", "volume", "info", "--xml"});
  CHECK(gluster_volume_status_argv("", true) ==
        V{"gluster", "--mode=script", "volume", "status", "all", "clients", "--xml"});
  CHECK(gluster_volume_status_argv("v1") ==
        V{"gluster", "--mode=script", "volume", "status", "v1", "--xml"});
  CHECK(gluster_heal_info_argv("volspoms1", HealListing::summary) ==
        V{"gluster", "--mode=script", "volume", "heal", "volspoms1", "info", "summary", "--xml"});
  CHECK(gluster_heal_info_argv("v", HealListing::entries) ==
        V{"gluster", "--mode=script", "volume", "heal", "v", "info", "--xml"});
  CHECK(gluster_heal_info_argv("v", HealListing::split_brain).at(6) == "split-brain");
}

TEST_CASE("gluster CLI text instead of XML is reported as such") {
  const std::string down = fixture("glusterd_down.txt");  // real, exit status 1
  const auto r = parse_gluster_volume_status(down);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason ==
        "gluster volume status: not XML: 'Connection failed. Please check if gluster daemon is "
        "operational.'");
  CHECK_FALSE(parse_gluster_peers(down).ok());
}
