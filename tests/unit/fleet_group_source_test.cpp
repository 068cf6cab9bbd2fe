// The `vm` dynamic group source from the fleet check's facts, resolved by
// node sets as the procedure uses it: nodeset -f @vm:running, -x ns[1-3].
#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/core/nodeset.h"
#include "support/read_file.h"

using namespace greenlight;
using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/fleet/" + name);
}
// The fleet check feeding the group source (no expectation) on a capture.
CheckResult listed(const std::string& name) {
  const auto units = parse_fleet_units(fixture(name));
  REQUIRE(units.ok());
  FleetExpectation any;
  any.expect = UnitExpectation::any;
  return fleet_units_verdict(*units, any, 0);
}
}  // namespace

TEST_CASE("@vm:running and friends from fleetctl list-units") {
  const auto result = listed("list_units_full.txt");
  const auto source = std::make_shared<FactGroupSource>(result, "vm");
  CHECK(source->map("running") == std::optional<std::string>("admin[1-2],batch1,ns1"));
  CHECK(source->map("dead") == std::optional<std::string>("infra1"));
  CHECK_FALSE(source->map("nosuch").has_value());
  CHECK(source->list() ==
        std::vector<std::string>{"dead", "failed", "running", "stop-sigterm", "unscheduled"});
  CHECK(source->all() == std::optional<std::string>("admin[1-2],batch1,infra1,lnet1,ns[1-3]"));

  GroupResolver groups;
  groups.add_source("vm", source);
  const auto running = NodeSet::parse("@vm:running!ns[1-3]", &groups);
  CHECK(running.fold() == "admin[1-2],batch1");
  std::vector<std::string> units_to_stop;
  for (const auto& vm : running.expand())
    units_to_stop.push_back(unit_name("pcocc-vm-%s.service", vm));
  CHECK(units_to_stop == std::vector<std::string>{"pcocc-vm-admin1.service",
                                                  "pcocc-vm-admin2.service",
                                                  "pcocc-vm-batch1.service"});
}

TEST_CASE("an empty result gives an empty source") {
  const FactGroupSource source(CheckResult{}, "vm");
  CHECK(source.list().empty());
  CHECK(source.all() == std::optional<std::string>(""));
}

TEST_CASE("@vm:running with no VM running is an empty set, not an unknown group") {
  const auto result = listed("list_units_stopped.txt");
  REQUIRE(result.green());
  const auto source = std::make_shared<FactGroupSource>(result, "vm");
  CHECK(source->map("running") == std::optional<std::string>(""));
  CHECK(source->map("dead") ==
        std::optional<std::string>("admin[1-2],batch1,infra1,lnet1,ns[1-3]"));
  // A typo stays an error.
  CHECK_FALSE(source->map("runing").has_value());
  GroupResolver groups;
  groups.add_source("vm", source);
  CHECK(NodeSet::parse("@vm:running", &groups).expand().empty());
  CHECK(NodeSet::parse("@vm:running!ns[1-3]", &groups).expand().empty());
  CHECK_THROWS(NodeSet::parse("@vm:runing", &groups));
}
