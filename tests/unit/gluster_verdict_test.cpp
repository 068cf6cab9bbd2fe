// Verdicts of the GlusterFS gates on real captures: peers, volumes, heal,
// clients. A gate opens on ok only.
#include "greenlight/checks/gluster_verdict.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
}
VolumeHeal heal(const std::string& volume, const std::string& file, int rc,
                HealListing listing = HealListing::entries) {
  return VolumeHeal{volume, parse_gluster_heal_info(fixture(file), rc, listing)};
}
const Sample* sample(const CheckResult& r, const std::string& name, const std::string& brick) {
  for (const auto& s : r.samples)
    if (s.name == name && s.labels.size() == 2 && s.labels[1].second == brick) return &s;
  return nullptr;
}
const std::string kPeers = R"(<cliOutput><opRet>0</opRet><peerStatus>
<peer><uuid>u1</uuid><hostname>localhost</hostname><connected>1</connected></peer>
<peer><uuid>u2</uuid><hostname>top2.adm.ocean</hostname><connected>1</connected><stateStr>Peer in Cluster</stateStr></peer>
<peer><uuid>u3</uuid><hostname>10.1.0.3</hostname><hostnames><hostname>10.1.0.3</hostname><hostname>top3</hostname></hostnames><connected>0</connected><stateStr>Peer in Cluster</stateStr></peer>
<peer><uuid>u4</uuid><hostname>worker9</hostname><connected>1</connected><stateStr>Peer in Cluster</stateStr></peer>
</peerStatus></cliOutput>)";
}  // namespace

TEST_CASE("peers: the local pool list capture is green for its own node") {
  const auto peers = parse_gluster_peers(fixture("pool_list.xml"));
  REQUIRE(peers.ok());
  const auto r = gluster_peers_verdict(*peers, {{"vm"}, "vm", {}, false});
  CHECK(r.status == Status::ok);
  CHECK(r.message == "all 1 peers connected");
}

TEST_CASE("peers: missing, disconnected and unexpected peers are named") {
  const auto peers = parse_gluster_peers(kPeers);
  REQUIRE(peers.ok());
  const auto r = gluster_peers_verdict(*peers, {{"top1", "top2", "top3", "worker1"}, "top1", {}, false});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("peer top3 disconnected (Peer in Cluster)"));
  CHECK_THAT(r.message, Catch::Contains("peer worker1 not in the pool"));
  CHECK_THAT(r.message, Catch::Contains("unexpected peer worker9 in the pool"));
  CHECK(*r.fact("peer", "top2") == "connected");
  CHECK(*r.fact("peer", "top3") == "disconnected");
  CHECK(*r.fact("peer", "worker1") == "missing");
  const auto only_extra = gluster_peers_verdict(*peers, {{"top1", "top2", "top3"}, "top1", {}, false});
  CHECK(only_extra.status == Status::critical);
  const auto peer_status = parse_gluster_peers(fixture("peer_status.xml"));
  REQUIRE(peer_status.ok());
  const auto alone = gluster_peers_verdict(*peer_status, {{"top1", "top2"}, "top1", {}, false});
  CHECK(alone.status == Status::critical);
  CHECK(alone.message == "peer top2 not in the pool");
}

TEST_CASE("volumes: started with all bricks online, or a brick down named") {
  const auto info = parse_gluster_volume_info(fixture("volume_info.xml"));
  const auto status = parse_gluster_volume_status(fixture("volume_status.xml"));
  const auto down = parse_gluster_volume_status(fixture("volume_status_brickdown.xml"));
  REQUIRE(info.ok());
  REQUIRE(status.ok());
  REQUIRE(down.ok());
  const auto ok = gluster_volumes_verdict(*info, &*status, {{"v1", VolumeState::started}});
  CHECK(ok.status == Status::ok);
  CHECK(ok.message == "1 volumes as expected, 3 bricks online");
  const auto bad = gluster_volumes_verdict(*info, &*down, {{"v1", VolumeState::started}});
  CHECK(bad.status == Status::critical);
  CHECK(bad.message == "brick vm:/data/brick3 of v1 offline");
  CHECK(*bad.fact("brick", "vm:/data/brick3") == "offline");
  // volume status failed: started is not proven serving.
  const auto no_status =
      gluster_volumes_verdict(*info, nullptr, {{"v1", VolumeState::started}},
                              "gluster volume status all: exit 1: Another transaction is in "
                              "progress for v1. Please try again after some time.");
  CHECK(no_status.status == Status::unknown);
  CHECK(no_status.message ==
        "bricks of v1 not checked: gluster volume status all: exit 1: Another transaction is in "
        "progress for v1. Please try again after some time.");
}

TEST_CASE("volumes: stopped as expected before shutdown, wrong state and missing volume") {
  const auto stopped = parse_gluster_volume_info(fixture("volume_info_stopped.xml"));
  REQUIRE(stopped.ok());
  CHECK(gluster_volumes_verdict(*stopped, nullptr, {{"v1", VolumeState::stopped}}).status ==
        Status::ok);
  const auto r = gluster_volumes_verdict(
      *stopped, nullptr, {{"v1", VolumeState::started}, {"volspoms2", VolumeState::started}});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("volume v1 is stopped, expected started"));
  CHECK_THAT(r.message, Catch::Contains("volume volspoms2 does not exist"));
  CHECK(gluster_volumes_verdict(*stopped, nullptr, {}).status == Status::unknown);
}

TEST_CASE("heal: clean volume is the only green") {
  const auto r = gluster_heal_verdict({heal("v1", "heal_info_clean.xml", 0)});
  CHECK(r.status == Status::ok);
  CHECK(r.green());
  CHECK(r.message == "1 volumes healed: 3 bricks readable, none pending or in split-brain");
  CHECK(*r.fact("volume_heal", "v1") == "healed");
  CHECK(*r.fact("brick_pending", "vm:/data/brick2") == "0");
  const auto summary =
      gluster_heal_verdict({heal("v1", "heal_info_summary_clean.xml", 0, HealListing::summary)});
  CHECK(summary.status == Status::ok);
}

TEST_CASE("heal: an unreadable brick is unknown, never 0, and named with its reason") {
  for (const auto& [file, listing] :
       {std::pair{"heal_info_pending.xml", HealListing::entries},
        std::pair{"heal_info_summary_pending.xml", HealListing::summary}}) {
    CAPTURE(file);
    const auto r = gluster_heal_verdict({heal("v1", file, 0, listing)});
    CHECK_FALSE(r.green());
    CHECK(r.status == Status::unknown);
    CHECK_THAT(
        r.message,
        Catch::Contains("brick vm:/data/brick3 unreadable: Transport endpoint is not connected"));
    CHECK_THAT(r.message, Catch::Contains("24 entries pending on vm:/data/brick1"));
    CHECK(*r.fact("brick_pending", "vm:/data/brick3") == "unknown");
    CHECK(*r.fact("volume_heal", "v1") == "unknown");
    const Sample* s = sample(r, "gluster_volume_heal_count", "vm:/data/brick3");
    REQUIRE(s != nullptr);
    CHECK(std::isnan(s->value));
    const Sample* readable = sample(r, "greenlight_gluster_brick_heal_readable", "vm:/data/brick3");
    REQUIRE(readable != nullptr);
    CHECK(readable->value == 0);
  }
}

TEST_CASE("heal: entries pending on readable bricks is a warning naming counts") {
  const auto r = gluster_heal_verdict({heal("v1", "heal_info_pending_allup.xml", 0)});
  CHECK(r.status == Status::warning);
  CHECK(r.message == "6 entries pending on vm:/data/brick1; 6 entries pending on vm:/data/brick3");
  CHECK(*r.fact("volume_heal", "v1") == "pending");
  CHECK(sample(r, "gluster_volume_heal_count", "vm:/data/brick3")->value == 6);
}

TEST_CASE("heal: split-brain is critical") {
  const std::string xml =
      "<cliOutput><healInfo><bricks><brick><name>top2:/bricks/volspoms1</name><status>Connected"
      "</status><totalNumberOfEntries>3</totalNumberOfEntries><numberOfEntriesInHealPending>1"
      "</numberOfEntriesInHealPending><numberOfEntriesInSplitBrain>2</numberOfEntriesInSplitBrain>"
      "<numberOfEntriesPossiblyHealing>0</numberOfEntriesPossiblyHealing></brick></bricks>"
      "</healInfo><opRet>0</opRet></cliOutput>";
  const auto r = gluster_heal_verdict(
      {VolumeHeal{"volspoms1", parse_gluster_heal_info(xml, 0, HealListing::summary)}});
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "2 entries in split-brain on top2:/bricks/volspoms1; "
        "1 entries pending on top2:/bricks/volspoms1");
  CHECK(*r.fact("volume_heal", "volspoms1") == "split-brain");
}

TEST_CASE("heal: entries possibly healing keep the gate closed") {
  const std::string xml =
      "<cliOutput><healInfo><bricks><brick><name>top1:/bricks/v</name><status>Connected</status>"
      "<totalNumberOfEntries>4</totalNumberOfEntries><numberOfEntriesInHealPending>0"
      "</numberOfEntriesInHealPending><numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain>"
      "<numberOfEntriesPossiblyHealing>4</numberOfEntriesPossiblyHealing></brick></bricks>"
      "</healInfo><opRet>0</opRet></cliOutput>";
  const auto r = gluster_heal_verdict(
      {VolumeHeal{"v", parse_gluster_heal_info(xml, 0, HealListing::summary)}});
  CHECK(r.status == Status::warning);
  CHECK(r.message == "4 entries possibly healing on top1:/bricks/v");
}

TEST_CASE("heal: stopped volume, unknown volume, failed command and bad output") {
  const auto r = gluster_heal_verdict(
      {heal("v1", "heal_info_stopped.xml", 251), heal("nosuch", "heal_info_novol.xml", 254),
       VolumeHeal{"v3", parse_gluster_heal_info("", 110, HealListing::entries)},
       VolumeHeal{"v4", parse_gluster_heal_info("<cliOutput>", 0, HealListing::entries)}});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message,
             Catch::Contains("volume v1 is stopped (v1: Not able to fetch volfile from glusterd)"));
  CHECK_THAT(r.message, Catch::Contains("volume nosuch does not exist"));
  CHECK_THAT(r.message, Catch::Contains("heal info v3 failed: exit status 110"));
  CHECK_THAT(r.message, Catch::Contains("heal info of v4 unreadable"));
  CHECK(*r.fact("volume_heal", "v1") == "stopped");
  CHECK(*r.fact("volume_heal", "nosuch") == "missing");
  CHECK(gluster_heal_verdict({}).status == Status::unknown);
  const auto empty = gluster_heal_verdict(
      {VolumeHeal{"v5", parse_gluster_heal_info(
                            "<cliOutput><healInfo><bricks/></healInfo><opRet>0</opRet></cliOutput>",
                            0, HealListing::entries)}});
  CHECK(empty.status == Status::unknown);
  CHECK(empty.message == "heal info v5 listed no brick");
}

TEST_CASE("heal: a brick of the volume missing from the listing is unknown, not ignored") {
  VolumeHeal v{"v1",
               parse_gluster_heal_info(fixture("heal_info_clean.xml"), 0, HealListing::entries),
               {"vm:/data/brick1", "vm:/data/brick2", "vm:/data/brick3", "vm:/data/brick4"}};
  const auto r = gluster_heal_verdict({v});
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "brick vm:/data/brick4 not listed by heal info");
  CHECK(*r.fact("brick_pending", "vm:/data/brick4") == "unknown");
  v.bricks.pop_back();
  CHECK(gluster_heal_verdict({v}).green());
}

TEST_CASE("heal: counts below what the output shows are not trusted") {
  const std::string listing =
      "<cliOutput><healInfo><bricks><brick><name>a:/b</name><file gfid=\"1\">/x</file>"
      "<file gfid=\"2\">/y</file><status>Connected</status><numberOfEntries>0</numberOfEntries>"
      "</brick></bricks></healInfo><opRet>0</opRet></cliOutput>";
  const auto heal = parse_gluster_heal_info(listing, 0, HealListing::entries);
  REQUIRE(heal.ok());
  CHECK(heal->bricks.at(0).pending == 2u);
  CHECK_FALSE(heal->bricks.at(0).split_brain.has_value());
  CHECK(gluster_heal_verdict({VolumeHeal{"v", heal}}).status == Status::warning);

  const std::string summary =
      "<cliOutput><healInfo><bricks><brick><name>a:/b</name><status>Connected</status>"
      "<totalNumberOfEntries>5</totalNumberOfEntries><numberOfEntriesInHealPending>0"
      "</numberOfEntriesInHealPending><numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain>"
      "<numberOfEntriesPossiblyHealing>0</numberOfEntriesPossiblyHealing></brick></bricks>"
      "</healInfo><opRet>0</opRet></cliOutput>";
  const auto r = gluster_heal_verdict(
      {VolumeHeal{"v", parse_gluster_heal_info(summary, 0, HealListing::summary)}});
  CHECK(r.status == Status::warning);
  CHECK(r.message == "5 entries to heal on a:/b (5 in no category)");
}

TEST_CASE("heal: a split-brain listing finds split-brain but never opens the gate") {
  const auto r = gluster_heal_verdict({VolumeHeal{
      "v1", parse_gluster_heal_info(fixture("heal_info_clean.xml"), 0, HealListing::split_brain)}});
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "heal info split-brain of v1 says nothing of pending entries");
}
