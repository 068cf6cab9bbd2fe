// fleetctl list-units parsing (format of coreos/fleet's fleetctl, see
// tests/fixtures/fleet/README.md), the fleet_units verdict and the facts
// behind the `vm` dynamic group source.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/commands.h"
#include "greenlight/checks/fleet.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/fleet/" + name);
}
}  // namespace

TEST_CASE("list-units --full: tab-padded columns, ID/IP machines, '-' values") {
  const auto units = parse_fleet_units(fixture("list_units_full.txt"));
  REQUIRE(units.ok());
  REQUIRE(units->size() == 9);
  CHECK(units->at(0).unit == "pcocc-vm-admin1.service");
  CHECK(units->at(0).machine == "9f4c2a1be85d4c8f9a3e0d7b6c5a4f31/10.1.0.1");
  CHECK(units->at(0).active == "active");
  CHECK(units->at(0).sub == "running");
  CHECK(units->at(6).active == "deactivating");
  CHECK(units->at(6).sub == "stop-sigterm");
  CHECK(units->at(7).machine == "-");
}

TEST_CASE("list-units with a legend and shortened machine IDs") {
  const auto units = parse_fleet_units(fixture("list_units_short.txt"));
  REQUIRE(units.ok());
  REQUIRE(units->size() == 9);
  CHECK(units->at(0).machine == "9f4c2a1b.../10.1.0.1");
}

TEST_CASE("list-units --fields unit,sub") {
  const auto units = parse_fleet_units(fixture("list_units_unit_sub.txt"), {"unit", "sub"});
  REQUIRE(units.ok());
  REQUIRE(units->size() == 9);
  CHECK(units->at(3).unit == "pcocc-vm-infra1.service");
  CHECK(units->at(3).sub == "dead");
  CHECK(units->at(3).active.empty());
}

TEST_CASE("list-units: wrong column counts and bad field lists are parse errors") {
  const auto wrong = parse_fleet_units("a.service\tm\tactive\n");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error().reason, Catch::Contains("line 1: 3 columns, expected 4"));
  CHECK_FALSE(parse_fleet_units("x", {"machine"}).ok());
  CHECK_FALSE(parse_fleet_units("x", {"unit", "colour"}).ok());
  CHECK_FALSE(parse_fleet_units(std::string("a\x01\tb\tc\td\n")).ok());
  const auto empty = parse_fleet_units("");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("unit names from a node set and a format, and back") {
  CHECK(unit_name("pcocc-vm-%s.service", "admin1") == "pcocc-vm-admin1.service");
  CHECK(unit_name("no-placeholder", "x").empty());
  CHECK(unit_name("%s-%s", "x").empty());
  CHECK(vm_name("pcocc-vm-%s.service", "pcocc-vm-ns2.service") == "ns2");
  CHECK(vm_name("pcocc-vm-%s.service", "prometheus-node.service").empty());
  CHECK(vm_name("pcocc-vm-%s.service", "pcocc-vm-.service").empty());
}

TEST_CASE("fleet verdict, expect running: names every VM not running and why") {
  const auto units = parse_fleet_units(fixture("list_units_full.txt"));
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.vms = {"admin1", "admin2", "batch1", "ns1"};
  const auto ok = fleet_units_verdict(*units, expect, 0);
  CHECK(ok.status == Status::ok);
  CHECK(ok.message == "all 4 units running");

  expect.vms = {"admin1", "infra1", "ns2", "ns3", "ghost"};
  const auto bad = fleet_units_verdict(*units, expect, 0);
  CHECK(bad.status == Status::critical);
  CHECK_THAT(bad.message, Catch::StartsWith("4 of 5 units not running: "));
  CHECK_THAT(bad.message, Catch::Contains("pcocc-vm-infra1.service (inactive/dead on "
                                          "9f4c2a1be85d4c8f9a3e0d7b6c5a4f31/10.1.0.1)"));
  CHECK_THAT(bad.message, Catch::Contains("pcocc-vm-ns3.service (-/-)"));
  CHECK_THAT(bad.message, Catch::Contains("pcocc-vm-ghost.service (not listed)"));
}

TEST_CASE("fleet verdict, expect stopped: deactivating is not stopped yet") {
  const auto units = parse_fleet_units(fixture("list_units_full.txt"));
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.expect = UnitExpectation::stopped;
  expect.vms = {"infra1", "lnet1"};
  const auto ok = fleet_units_verdict(*units, expect, 0);
  CHECK(ok.status == Status::ok);
  CHECK(ok.message == "all 2 units stopped (1 failed)");
  // A unit fleet does not list is not known stopped: named, unknown.
  expect.vms = {"infra1", "lnet1", "ghost"};
  const auto unlisted = fleet_units_verdict(*units, expect, 0);
  CHECK(unlisted.status == Status::unknown);
  CHECK(unlisted.message ==
        "1 unit not listed by fleet, so not known stopped: pcocc-vm-ghost.service");
  expect.vms = {"infra1", "ns2", "admin1"};
  const auto bad = fleet_units_verdict(*units, expect, 0);
  CHECK(bad.status == Status::critical);
  CHECK_THAT(bad.message, Catch::Contains("pcocc-vm-ns2.service (deactivating/stop-sigterm"));
  CHECK_THAT(bad.message, Catch::Contains("pcocc-vm-admin1.service (active/running"));

  const auto all_stopped = parse_fleet_units(fixture("list_units_stopped.txt"));
  REQUIRE(all_stopped.ok());
  expect.vms = {"admin1", "admin2", "batch1", "infra1", "lnet1", "ns1", "ns2", "ns3"};
  CHECK(fleet_units_verdict(*all_stopped, expect, 0).status == Status::ok);
}

TEST_CASE("fleet facts feed the vm group source: @vm:running, @vm:dead") {
  const auto units = parse_fleet_units(fixture("list_units_full.txt"));
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.expect = UnitExpectation::any;
  const auto r = fleet_units_verdict(*units, expect, 0);
  CHECK(r.status == Status::ok);
  const auto groups = r.groups_of("vm");
  CHECK(groups.at("running") == std::vector<std::string>{"admin1", "admin2", "batch1", "ns1"});
  CHECK(groups.at("dead") == std::vector<std::string>{"infra1"});
  CHECK(groups.at("failed") == std::vector<std::string>{"lnet1"});
  CHECK(groups.at("stop-sigterm") == std::vector<std::string>{"ns2"});
  CHECK(r.fact("vm", "prometheus-node") == nullptr);
  CHECK(*r.fact("unit", "prometheus-node.service") == "active/running");
}

TEST_CASE("fleet verdict: a failed fleetctl or a bad format is unknown") {
  FleetExpectation expect;
  expect.vms = {"a"};
  CHECK(fleet_units_verdict({}, expect, 1).status == Status::unknown);
  FleetExpectation nothing;
  const auto vacuous = fleet_units_verdict({}, nothing, 0);
  CHECK(vacuous.status == Status::unknown);
  CHECK(vacuous.message == "no unit expected running: nothing to verify");
  expect.unit_format = "pcocc-vm.service";
  const auto r = fleet_units_verdict({}, expect, 0);
  CHECK(r.status == Status::unknown);
  CHECK_THAT(r.message, Catch::Contains("must contain \"%s\" exactly once"));
}

TEST_CASE("fleet verdict, expect stopped: an empty listing proves nothing") {
  FleetExpectation expect;
  expect.expect = UnitExpectation::stopped;
  expect.vms = {"admin1", "ns1"};
  const auto r = fleet_units_verdict({}, expect, 0);
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "fleetctl list-units listed no unit where 2 units were expected stopped");
  expect.expect = UnitExpectation::running;
  CHECK(fleet_units_verdict({}, expect, 0).status == Status::unknown);
  // The group source's check (expect any): no answer, so no empty @vm:running.
  expect.expect = UnitExpectation::any;
  const auto any = fleet_units_verdict({}, expect, 0);
  CHECK(any.status == Status::unknown);
  CHECK(any.message == "fleetctl list-units listed no unit where 2 units were expected");
  CHECK(parse_fleet_units("").ok());
}

TEST_CASE("fleet verdict, no_other_active: a running VM outside the list is named") {
  // The site's list is stopped, but login1 (not in the list) still runs.
  const std::string listing =
      fixture("list_units_stopped.txt") +
      "pcocc-vm-login1.service\t27b1e0c94d3f4a6b8e2c1d0f9a8b7c62/10.1.0.2\tactive\trunning\n"
      "prometheus-node.service\t27b1e0c94d3f4a6b8e2c1d0f9a8b7c62/10.1.0.2\tactive\trunning\n";
  const auto units = parse_fleet_units(listing);
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.expect = UnitExpectation::stopped;
  expect.vms = {"admin1", "admin2", "batch1", "infra1", "lnet1", "ns1", "ns2", "ns3"};
  CHECK(fleet_units_verdict(*units, expect, 0).status == Status::ok);  // not asked: blind
  expect.no_other_active = "pcocc-vm-";
  const auto r = fleet_units_verdict(*units, expect, 0);
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "1 unit pcocc-vm-* not expected and not stopped: pcocc-vm-login1.service "
        "(active/running on 27b1e0c94d3f4a6b8e2c1d0f9a8b7c62/10.1.0.2)");
  // With the site's hosts known, the message names the hypervisor.
  expect.hosts = {{"10.1.0.2", "top2"}, {"top2", "top2"}};
  CHECK_THAT(fleet_units_verdict(*units, expect, 0).message,
             Catch::EndsWith("pcocc-vm-login1.service (active/running on top2 "
                             "(27b1e0c94d3f4a6b8e2c1d0f9a8b7c62/10.1.0.2))"));
  CHECK(host_of_machine("27b1e0c9.../10.1.0.2", expect.hosts) == "top2");
  CHECK(host_of_machine("27b1e0c9.../10.9.9.9", expect.hosts).empty());
  CHECK(host_of_machine("-", expect.hosts).empty());
  expect.hosts.clear();
  // The DNS VMs may still run while the others are stopped.
  expect.active_allowed = {"login1"};
  CHECK(fleet_units_verdict(*units, expect, 0).green());
  expect.active_allowed.clear();
  // No list at all: no pcocc-vm unit may be active.
  expect.vms.clear();
  CHECK(fleet_units_verdict(*units, expect, 0).status == Status::critical);
  const auto stopped = parse_fleet_units(fixture("list_units_stopped.txt"));
  REQUIRE(stopped.ok());
  const auto ok = fleet_units_verdict(*stopped, expect, 0);
  CHECK(ok.green());
  CHECK(ok.message == "no pcocc-vm-* unit active (8 listed)");
  expect.vms = {"ns1"};
  CHECK(fleet_units_verdict(*stopped, expect, 0).message ==
        "all 1 units stopped, no other pcocc-vm-* unit active");
}

TEST_CASE("fleet verdict, no_other_active: a listing without a unit of the prefix proves nothing") {
  // A mistyped prefix (or units named otherwise): stopped units stay listed,
  // so not one unit of the prefix cannot show that no other one is active.
  const auto units = parse_fleet_units(fixture("list_units_stopped.txt"));
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.expect = UnitExpectation::stopped;
  expect.no_other_active = "pcocc-mv-";
  const auto r = fleet_units_verdict(*units, expect, 0);
  CHECK(r.status == Status::unknown);
  CHECK(r.message.find("listed no unit named pcocc-mv-*") != std::string::npos);
  expect.no_other_active = "pcocc-vm-";
  CHECK(fleet_units_verdict(*units, expect, 0).green());
}

TEST_CASE("fleet verdict on the procedure's `--fields unit,sub` output") {
  const auto units = parse_fleet_units(fixture("list_units_unit_sub.txt"), {"unit", "sub"});
  REQUIRE(units.ok());
  FleetExpectation expect;
  expect.vms = {"admin1", "admin2", "ns1"};
  CHECK(fleet_units_verdict(*units, expect, 0).green());
  expect.vms = {"admin1", "infra1"};
  const auto bad = fleet_units_verdict(*units, expect, 0);
  CHECK(bad.status == Status::critical);
  CHECK(bad.message == "1 of 2 units not running: pcocc-vm-infra1.service (dead)");
  expect.expect = UnitExpectation::stopped;
  expect.vms = {"infra1", "lnet1"};
  const auto stopped = fleet_units_verdict(*units, expect, 0);
  CHECK(stopped.green());
  CHECK(stopped.message == "all 2 units stopped (1 failed)");
  expect.vms = {"ns2"};
  CHECK(fleet_units_verdict(*units, expect, 0).status == Status::critical);
}

TEST_CASE("fleetctl command line matches the parser's default fields") {
  CHECK(fleet_list_units_argv() == std::vector<std::string>{"fleetctl", "list-units", "--fields",
                                                            "unit,machine,active,sub",
                                                            "--no-legend", "--full"});
}
