// `@vm:running` when no VM runs: an empty set, so a step over it has
// nothing to do and the run goes on (it was an "unknown group" error that
// paused the run).
#include <catch2/catch.hpp>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/checks/fleet.h"
#include "support/executor_harness.h"
#include "support/read_file.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::RunOutcome;

TEST_CASE("a step on @vm:running with every VM stopped is skipped, the run finishes") {
  ExecutorHarness h(
      R"(      phases:
        - name: stop-vms
          steps:
            - run: {on: self, command: 'fleetctl stop {{ nodes("@vm:running", format="pcocc-vm-%s") }}'}
            - run: {on: n2, command: echo after}
)",
      "  fleet: {kind: fleet_units, vms: n1, group_source: vm, command: [\"true\"]}\n");
  const auto units = checks::parse_fleet_units(
      test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/fleet/list_units_stopped.txt"));
  REQUIRE(units.ok());
  checks::FleetExpectation any;
  any.expect = checks::UnitExpectation::any;
  h.groups->add_source("vm", std::make_shared<checks::FactGroupSource>(
                                 checks::fleet_units_verdict(*units, any, 0), "vm"));
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.person.pauses.empty());
  CHECK(h.runner.count("fleetctl") == 0);
  CHECK(h.runner.count("echo after") == 1);
  // Journaled as skipped, naming the empty set, and shown so.
  const auto state = runbook::replay(h.records());
  CHECK(state.steps.at("stop-vms").at(1) == runbook::StepState::kSkipped);
  CHECK(state.step_details.at("stop-vms").at(1) == "@vm:running is empty");
  REQUIRE(h.last_snapshot);
  CHECK(h.last_snapshot->steps.at(0).state == runbook::StepState::kSkipped);
  CHECK(h.last_snapshot->steps.at(0).detail == "@vm:running is empty");
}
