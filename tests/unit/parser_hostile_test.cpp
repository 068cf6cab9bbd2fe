// Every checks parser and verdict on hostile input: empty, binary garbage,
// 10 MB of junk, truncations at every cut, deep nesting, wrong exit statuses
// and a bounded, fixed-seed random mutation of the real fixtures. Nothing may
// crash or throw, and a broken heal output may never give a green gate.
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "greenlight/checks/confiture.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/checks/fping.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/dns.h"
#include "greenlight/checks/nagios.h"
#include "greenlight/checks/name_resolution.h"
#include "greenlight/checks/power.h"
#include "greenlight/checks/prometheus_rules.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {

std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/" + name);
}

// The invariants a heal result must hold whatever the input was.
void check_heal_invariants(const Parsed<HealInfo>& heal, HealListing listing) {
  if (!heal.ok()) {
    CHECK_FALSE(heal.error().reason.empty());
    const auto r = gluster_heal_verdict({VolumeHeal{"v", heal}});
    CHECK_FALSE(r.green());
    return;
  }
  for (const auto& b : heal->bricks) {
    if (!b.readable) {
      CHECK_FALSE(b.pending.has_value());
      CHECK_FALSE(b.split_brain.has_value());
      CHECK_FALSE(b.total.has_value());
    } else {
      CHECK(b.status == "Connected");
      if (listing != HealListing::split_brain) CHECK(b.pending.has_value());
    }
  }
  const auto r = gluster_heal_verdict({VolumeHeal{"v", heal}});
  if (r.green()) {
    CHECK(heal->outcome == HealOutcome::listed);
    CHECK_FALSE(heal->bricks.empty());
    for (const auto& b : heal->bricks) {
      CHECK(b.readable);
      CHECK(b.pending.value_or(0) == 0);
      CHECK(b.split_brain.value_or(0) == 0);
    }
  }
}

// Runs every parser (and the verdicts that take their output) on `input`.
void run_all(const std::string& input) {
  for (auto listing : {HealListing::entries, HealListing::summary, HealListing::split_brain}) {
    check_heal_invariants(parse_gluster_heal_info(input, 0, listing), listing);
  }
  const auto peers = parse_gluster_peers(input);
  if (peers.ok()) (void)gluster_peers_verdict(*peers, {{"top1", "top2"}, "top1", {}, false});
  const auto info = parse_gluster_volume_info(input);
  const auto status = parse_gluster_volume_status(input);
  if (info.ok()) {
    (void)gluster_volumes_verdict(*info, status.ok() ? &*status : nullptr,
                                  {{"v1", VolumeState::started}});
  }
  if (const auto lists = parse_gluster_client_list(input); lists.ok() && status.ok()) {
    (void)gluster_clients_verdict(*lists, *status, {{{"top1", "127.0.0.1"}}});
  }
  const auto ping = parse_fping(input);
  if (ping.ok()) (void)fping_verdict(*ping, {}, 0);
  const auto units = parse_fleet_units(input);
  if (units.ok())
    (void)fleet_units_verdict(*units,
                              {{"a"}, "pcocc-vm-%s.service", UnitExpectation::running, "", {}, {}}, 0);
  const auto plugin = parse_nagios_output(input);
  (void)nagios_verdict(plugin, 0, "x");
  (void)parse_confiture_addresses(
      input, [](std::string_view s) { return std::vector<std::string>{std::string(s)}; });
  if (const auto rules = parse_alerting_rules(input); rules.ok())
    (void)rules_not_ready(*rules, PromTime{}, {}, std::chrono::minutes(1));
  (void)parse_runtimeinfo_start(input);
  if (const auto lookups = parse_hosts_file_lookups(input); lookups.ok()) {
    AddressRecord top1{"top1", "adm", "10.1.0.1", true, true, {"top1", "top1-adm"}};
    (void)hosts_files_verdict({top1}, {{"top2", *lookups, {}}});
  }
  if (const auto timings = parse_name_resolution(input); timings.ok()) {
    (void)name_resolution_verdict({"gltop1", "gltop2"}, {{"top1", *timings, {}}}, {});
  }
  if (const auto power = parse_chassis_power(input); power.ok()) {
    NodePower node{"n1", "10.1.0.1", *power, {}, false, {}};
    (void)power_state_verdict({node}, PowerGoal::off);
  }
}

const char* const kFixtures[] = {
    "gluster/heal_info_clean.xml",
    "gluster/heal_info_pending.xml",
    "gluster/heal_info_summary_pending.xml",
    "gluster/heal_info_summary_clean.xml",
    "gluster/heal_info_split_brain.xml",
    "gluster/volume_status_all_clients.xml",
    "gluster/clients/client_list_fuse.txt",
    "gluster/volume_info.xml",
    "gluster/pool_list.xml",
    "fping/C3_tun_delay.txt",
    "fping/c3_netns.txt",
    "fleet/list_units_full.txt",
    "nagios/long_output.txt",
    "confiture/ocean_addresses.yaml",
    "prometheus/rules_running.json",
    "power/ipmitool_sim.txt",
    "dns/hosts_file_lookups.txt",
    "dns/name_resolution_silent_dns.txt",
};

}  // namespace

TEST_CASE("empty and blank output") {
  for (const std::string input : {"", " ", "\n\n\n", "\t \r\n"}) {
    CAPTURE(input);
    run_all(input);
    CHECK_FALSE(parse_gluster_heal_info(input, 0, HealListing::entries).ok());
    CHECK_FALSE(parse_gluster_volume_status(input).ok());
    CHECK_FALSE(parse_nagios_output(input).ok());
  }
}

TEST_CASE("binary garbage") {
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 50; ++round) {
    std::string junk(1 + rng() % 4096, '\0');
    for (auto& c : junk) c = static_cast<char>(byte(rng));
    run_all(junk);
    CHECK_FALSE(parse_gluster_heal_info(junk, 0, HealListing::entries).ok());
  }
}

TEST_CASE("10 MB of junk, fed in chunks and whole") {
  std::string junk;
  junk.reserve(10 << 20);
  const std::string pieces[] = {"<<>>", "&amp;", "<brick>", "</", "Connected", "-",
                                "\n",   "0.03 ", " : ",     "\t", "|a=1;",     "<![CDATA["};
  std::mt19937 rng(7);
  while (junk.size() < (10u << 20)) junk += pieces[rng() % std::size(pieces)];
  HealInfoParser parser(HealListing::entries);
  for (std::size_t i = 0; i < junk.size(); i += 65536) {
    parser.feed(std::string_view(junk).substr(i, 65536));
  }
  CHECK_FALSE(parser.finish(0).ok());
  run_all(junk);
  // A valid prefix then an endless text: truncated, never green.
  HealInfoParser endless(HealListing::summary);
  endless.feed("<cliOutput><healInfo><bricks><brick><name>a:/b</name><status>");
  const std::string text(1 << 20, 'C');
  for (int i = 0; i < 10; ++i) endless.feed(text);
  const auto heal = endless.finish(0);
  REQUIRE_FALSE(heal.ok());
  CHECK_THAT(heal.error().reason, Catch::Contains("truncated"));
}

TEST_CASE("deep nesting does not exhaust the stack") {
  std::string deep = "<cliOutput>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  run_all(deep);
  run_all("addresses:\n  top1: " + std::string(100000, '['));
  run_all("addresses:\n  top1: " + std::string(100000, '{'));
  const auto heal = parse_gluster_heal_info(deep, 0, HealListing::entries);
  REQUIRE_FALSE(heal.ok());
  CHECK_THAT(heal.error().reason, Catch::Contains("nested deeper"));
}

TEST_CASE("every truncation of a heal output is an error, never a result") {
  for (const char* name :
       {"gluster/heal_info_pending.xml", "gluster/heal_info_summary_clean.xml"}) {
    const std::string xml = fixture(name);
    const std::size_t end = xml.find_last_not_of(" \n") + 1;
    for (std::size_t cut = 0; cut < end; cut += (cut < 200 ? 1 : 7)) {
      CAPTURE(name, cut);
      const auto heal = parse_gluster_heal_info(xml.substr(0, cut), 0, HealListing::entries);
      REQUIRE_FALSE(heal.ok());
    }
  }
}

TEST_CASE("wrong exit statuses: a clean-looking output is not trusted") {
  const std::string clean = fixture("gluster/heal_info_clean.xml");
  for (int rc : {1, 2, 110, 251, 254, 255, -1}) {
    CAPTURE(rc);
    const auto heal = parse_gluster_heal_info(clean, rc, HealListing::entries);
    REQUIRE(heal.ok());
    CHECK(heal->outcome != HealOutcome::listed);
    CHECK_FALSE(gluster_heal_verdict({VolumeHeal{"v1", heal}}).green());
  }
  const auto ping = parse_fping(fixture("fping/C3.txt"));
  REQUIRE(ping.ok());
  CHECK(fping_verdict(*ping, {}, 3).status == Status::unknown);
  CHECK(fping_verdict(*ping, {}, 4).status == Status::unknown);
  const auto units = parse_fleet_units(fixture("fleet/list_units_full.txt"));
  REQUIRE(units.ok());
  CHECK(fleet_units_verdict(
            *units, {{"admin1"}, "pcocc-vm-%s.service", UnitExpectation::running, "", {}, {}}, 1)
            .status == Status::unknown);
  CHECK(nagios_verdict(parse_nagios_output("OK all fine\n"), 255, "x").status == Status::unknown);
}

TEST_CASE("missing fields and unknown states") {
  const auto no_counts = parse_gluster_heal_info(
      "<cliOutput><healInfo><bricks><brick><name>a:/b</name><status>Connected</status></brick>"
      "</bricks></healInfo><opRet>0</opRet></cliOutput>",
      0, HealListing::summary);
  REQUIRE(no_counts.ok());
  CHECK_FALSE(no_counts->bricks.at(0).readable);
  CHECK(gluster_heal_verdict({VolumeHeal{"v", no_counts}}).status == Status::unknown);

  const auto odd_state = parse_gluster_volume_info(
      "<cliOutput><opRet>0</opRet><volInfo><volumes><volume><name>v1</name><statusStr>Paused"
      "</statusStr></volume></volumes></volInfo></cliOutput>");
  REQUIRE(odd_state.ok());
  CHECK(odd_state->at(0).state == VolumeState::unknown);
  const auto r = gluster_volumes_verdict(*odd_state, nullptr, {{"v1", VolumeState::started}});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("volume v1 is 'Paused', expected started"));

  CHECK_FALSE(parse_gluster_volume_status(
                  "<cliOutput><opRet>0</opRet><volStatus><volumes><volume><volName>v</volName>"
                  "<node><hostname>h</hostname></node></volume></volumes></volStatus></cliOutput>")
                  .ok());
  CHECK_FALSE(parse_gluster_peers("<cliOutput><opRet>zero</opRet></cliOutput>").ok());
}

TEST_CASE("random mutations of the real fixtures (fixed seed, bounded)") {
  std::mt19937 rng(424242);
  const std::string inserts[] = {
      "<", ">", "</brick>", "<brick>", "-",  std::string(1, '\0'), "&",
      "'", "|", " : ",      "\t",      "\n", "<file>x</file>",     "999999999999999999999"};
  for (const char* name : kFixtures) {
    const std::string original = fixture(name);
    for (int round = 0; round < 150; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        const std::size_t at = rng() % text.size();
        switch (rng() % 4) {
          case 0:
            text[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            text.erase(at, 1 + rng() % 16);
            break;
          case 2:
            text.insert(at, inserts[rng() % std::size(inserts)]);
            break;
          default:
            text.resize(at);
            break;
        }
      }
      CAPTURE(name, round);
      run_all(text);
    }
  }
}
