// heal info [summary|split-brain] --xml on real GlusterFS 10.3 captures,
// including glusterd's brick-down quirks and the exit statuses 251 / 254.
#include "greenlight/checks/gluster_heal.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
}
}  // namespace

TEST_CASE("heal info --xml, clean volume: three readable bricks, nothing pending") {
  const auto heal =
      parse_gluster_heal_info(fixture("heal_info_clean.xml"), 0, HealListing::entries);
  REQUIRE(heal.ok());
  CHECK(heal->outcome == HealOutcome::listed);
  REQUIRE(heal->bricks.size() == 3);
  for (const auto& b : heal->bricks) {
    CHECK(b.readable);
    CHECK(b.status == "Connected");
    CHECK(b.pending == 0u);
    CHECK(b.split_brain == 0u);
  }
  CHECK(heal->bricks[2].brick == "vm:/data/brick3");
}

TEST_CASE("heal info --xml, brick down: 24 pending and an unknown brick, never 0") {
  const auto heal =
      parse_gluster_heal_info(fixture("heal_info_pending.xml"), 0, HealListing::entries);
  REQUIRE(heal.ok());
  REQUIRE(heal->bricks.size() == 3);
  CHECK(heal->bricks[0].readable);
  CHECK(heal->bricks[0].pending == 24u);
  CHECK(heal->bricks[0].listed_entries == 24u);
  CHECK_FALSE(heal->bricks[0].split_brain.has_value());
  const auto& down = heal->bricks[2];
  CHECK(down.brick == "vm:/data/brick3");
  CHECK_FALSE(down.readable);
  CHECK_FALSE(down.pending.has_value());
  CHECK_FALSE(down.split_brain.has_value());
  CHECK(down.unreadable_reason() == "Transport endpoint is not connected");
}

TEST_CASE("heal info --xml, all bricks up with entries still pending") {
  const auto heal =
      parse_gluster_heal_info(fixture("heal_info_pending_allup.xml"), 0, HealListing::entries);
  REQUIRE(heal.ok());
  REQUIRE(heal->bricks.size() == 3);
  CHECK(heal->bricks[0].pending == 6u);
  CHECK(heal->bricks[1].pending == 0u);
  CHECK(heal->bricks[2].pending == 6u);
  for (const auto& b : heal->bricks) CHECK(b.readable);
}

TEST_CASE("heal info split-brain --xml: counts are split-brain entries") {
  const auto heal =
      parse_gluster_heal_info(fixture("heal_info_split_brain.xml"), 0, HealListing::split_brain);
  REQUIRE(heal.ok());
  REQUIRE(heal->bricks.size() == 3);
  CHECK(heal->bricks[0].split_brain == 0u);
  CHECK_FALSE(heal->bricks[0].pending.has_value());
  CHECK_FALSE(heal->bricks[2].readable);
  CHECK_FALSE(heal->bricks[2].split_brain.has_value());
}

TEST_CASE("heal info summary --xml: clean, pending, and glusterd's Failed status bug") {
  const auto clean =
      parse_gluster_heal_info(fixture("heal_info_summary_clean.xml"), 0, HealListing::summary);
  REQUIRE(clean.ok());
  REQUIRE(clean->bricks.size() == 3);
  CHECK(clean->bricks[1].total == 0u);
  CHECK(clean->bricks[1].possibly_healing == 0u);

  const auto pending =
      parse_gluster_heal_info(fixture("heal_info_summary_pending.xml"), 0, HealListing::summary);
  REQUIRE(pending.ok());
  REQUIRE(pending->bricks.size() == 3);
  CHECK(pending->bricks[0].pending == 24u);
  CHECK(pending->bricks[0].split_brain == 0u);
  CHECK(pending->bricks[0].total == 24u);
  const auto& down = pending->bricks[2];
  CHECK_FALSE(down.readable);
  CHECK(down.status ==
        "Failed to process entries completely. (Transport endpoint is not connected)");
  CHECK(down.unreadable_reason() == "Transport endpoint is not connected");
  // Connected but without a count: the reason says what could not be read.
  BrickHeal countless;
  countless.status = "Connected";
  CHECK(countless.unreadable_reason() ==
        "Connected, but its entry count is missing or not a number");
  CHECK_FALSE(down.total.has_value());
  CHECK_FALSE(down.pending.has_value());

  const auto allup = parse_gluster_heal_info(fixture("heal_info_summary_pending_allup.xml"), 0,
                                             HealListing::summary);
  REQUIRE(allup.ok());
  CHECK(allup->bricks[2].pending == 6u);
  CHECK(allup->bricks[2].readable);
}

TEST_CASE("heal info on a stopped volume (exit 251) and an unknown volume (exit 254)") {
  for (const auto& name :
       {"heal_info_stopped.xml", "heal_info_summary_stopped.xml", "heal_info_stopped.txt"}) {
    CAPTURE(name);
    const auto heal = parse_gluster_heal_info(fixture(name), 251, HealListing::summary);
    REQUIRE(heal.ok());
    CHECK(heal->outcome == HealOutcome::volume_stopped);
    CHECK(heal->error == "v1: Not able to fetch volfile from glusterd");
    CHECK(heal->bricks.empty());
  }
  for (const auto& name : {"heal_info_novol.xml", "heal_info_novol.txt"}) {
    CAPTURE(name);
    const auto heal = parse_gluster_heal_info(fixture(name), 254, HealListing::entries);
    REQUIRE(heal.ok());
    CHECK(heal->outcome == HealOutcome::volume_missing);
    CHECK(heal->error == "Volume nosuch does not exist");
  }
  const auto other = parse_gluster_heal_info("", 1, HealListing::entries);
  REQUIRE(other.ok());
  CHECK(other->outcome == HealOutcome::failed);
  CHECK(other->error == "exit status 1");
}

TEST_CASE("heal info with exit 0 but opRet -1 is a failed outcome, not a clean volume") {
  const auto heal =
      parse_gluster_heal_info(fixture("heal_info_stopped.xml"), 0, HealListing::entries);
  REQUIRE(heal.ok());
  CHECK(heal->outcome == HealOutcome::failed);
  CHECK(heal->bricks.empty());
}

TEST_CASE("heal info parser gives the same answer whatever the chunking") {
  const std::string xml = fixture("heal_info_pending.xml");
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 4096u}) {
    CAPTURE(chunk);
    HealInfoParser parser(HealListing::entries);
    for (std::size_t i = 0; i < xml.size(); i += chunk)
      parser.feed(std::string_view(xml).substr(i, chunk));
    const auto heal = parser.finish(0);
    REQUIRE(heal.ok());
    REQUIRE(heal->bricks.size() == 3);
    CHECK(heal->bricks[1].pending == 24u);
    CHECK(heal->bricks[1].listed_entries == 24u);
    CHECK_FALSE(heal->bricks[2].readable);
  }
}

TEST_CASE("heal info: truncated output is a parse error naming the open element") {
  const std::string xml = fixture("heal_info_clean.xml");
  for (std::size_t cut : {10u, 100u, 300u, 500u}) {
    CAPTURE(cut);
    const auto heal = parse_gluster_heal_info(xml.substr(0, cut), 0, HealListing::entries);
    REQUIRE_FALSE(heal.ok());
  }
  const auto heal = parse_gluster_heal_info(xml.substr(0, xml.size() / 2), 0, HealListing::entries);
  REQUIRE_FALSE(heal.ok());
  CHECK_THAT(heal.error().reason, Catch::Contains("truncated"));
}

TEST_CASE("heal info: entities are decoded, mismatched tags and junk are rejected") {
  const auto ok = parse_gluster_heal_info(
      "<cliOutput><healInfo><bricks><brick><name>h:/b&amp;1</name><status>Connected</status>"
      "<numberOfEntries>3</numberOfEntries></brick></bricks></healInfo><opRet>0</opRet>"
      "</cliOutput>",
      0, HealListing::entries);
  REQUIRE(ok.ok());
  CHECK(ok->bricks.at(0).brick == "h:/b&1");
  CHECK(ok->bricks.at(0).pending == 3u);

  const auto mismatched = parse_gluster_heal_info(
      "<cliOutput><healInfo></bricks></healInfo><opRet>0</opRet></cliOutput>", 0,
      HealListing::entries);
  REQUIRE_FALSE(mismatched.ok());
  CHECK_THAT(mismatched.error().reason, Catch::Contains("does not close <healInfo>"));

  const auto junk =
      parse_gluster_heal_info("Connection failed. Please check if gluster daemon is operational.\n",
                              0, HealListing::entries);
  REQUIRE_FALSE(junk.ok());
  CHECK_THAT(junk.error().reason, Catch::Contains("text before <cliOutput>"));

  const auto empty = parse_gluster_heal_info("", 0, HealListing::summary);
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().reason, Catch::Contains("empty output"));

  const auto no_name = parse_gluster_heal_info(
      "<cliOutput><healInfo><bricks><brick><status>Connected</status></brick></bricks>"
      "</healInfo><opRet>0</opRet></cliOutput>",
      0, HealListing::entries);
  REQUIRE_FALSE(no_name.ok());
  CHECK_THAT(no_name.error().reason, Catch::Contains("no <name>"));
}

TEST_CASE("heal info: a Connected brick with a non-numeric count is unreadable") {
  const auto heal = parse_gluster_heal_info(
      "<cliOutput><healInfo><bricks><brick><name>h:/b</name><status>Connected</status>"
      "<numberOfEntries>many</numberOfEntries></brick></bricks></healInfo><opRet>0</opRet>"
      "</cliOutput>",
      0, HealListing::entries);
  REQUIRE(heal.ok());
  CHECK_FALSE(heal->bricks.at(0).readable);
  CHECK_FALSE(heal->bricks.at(0).pending.has_value());
}

TEST_CASE("heal info: an endless tag is refused instead of buffered") {
  HealInfoParser parser(HealListing::entries, 1024);
  parser.feed("<cliOutput><healInfo attr=\"");
  parser.feed(std::string(4096, 'x'));
  const auto heal = parser.finish(0);
  REQUIRE_FALSE(heal.ok());
  CHECK_THAT(heal.error().reason, Catch::Contains("longer than 1024"));
}

TEST_CASE("heal info with glusterd down (exit 1): a failed outcome with its message") {
  const auto heal = parse_gluster_heal_info(fixture("glusterd_down.txt"), 1, HealListing::summary);
  REQUIRE(heal.ok());
  CHECK(heal->outcome == HealOutcome::failed);
  CHECK(heal->error == "Connection failed. Please check if gluster daemon is operational.");
}
