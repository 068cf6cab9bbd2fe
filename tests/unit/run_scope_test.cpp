// What one run acts on: dynamic groups read afresh when a step or gate uses
// them, a step over an empty set skipped and journaled with the set's name,
// --exclude removing nodes from every step and gate, @run: groups with a
// fallback and from an earlier run (--from-run), gates over the node set a
// step resolved (`runbook check`'s verdicts: readiness_report_test.cpp).
#include <catch2/catch.hpp>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::JournalEvent;
using runbook::RunOutcome;

namespace {

const std::string kFleet =
    "  fleet: {kind: fleet_units, vms: n1, group_source: vm, command: [\"true\"]}\n";

// A `vm` source as fleet lists the units: name -> "active\trunning" or
// "inactive\tdead".
std::shared_ptr<GroupSource> fleet_source(const std::map<std::string, std::string>& units) {
  std::string listing;
  for (const auto& [vm, state] : units)
    listing += "pcocc-vm-" + vm + ".service\tm1/10.1.0.1\t" + state + "\n";
  const auto parsed = checks::parse_fleet_units(listing);
  REQUIRE(parsed.ok());
  checks::FleetExpectation any;
  any.expect = checks::UnitExpectation::any;
  return std::make_shared<checks::FactGroupSource>(checks::fleet_units_verdict(*parsed, any, 0),
                                                   "vm");
}

const runbook::JournalRecord* find(const std::vector<runbook::JournalRecord>& records,
                                   JournalEvent event) {
  for (const auto& r : records)
    if (r.event == event) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("dynamic groups are read afresh before each step that uses them") {
  ExecutorHarness h(
      R"(      phases:
        - name: p
          steps:
            - save_group: {name: before, nodes: "@vm:running"}
            - run: {on: self, command: 'fleetctl stop {{ nodes("@vm:running") }}'}
            - save_group: {name: after, nodes: "@vm:running"}
)",
      kFleet);
  // What fleet says changes between steps; the source a run reads is the one
  // refresh_groups installs right before each step.
  std::vector<std::map<std::string, std::string>> answers = {
      {{"a1", "active\trunning"}, {"a2", "active\trunning"}},
      {{"a1", "active\trunning"}, {"a2", "inactive\tdead"}},
      {{"a1", "inactive\tdead"}, {"a2", "inactive\tdead"}}};
  std::size_t calls = 0;
  h.options.refresh_groups = [&] {
    h.groups->add_source("vm", fleet_source(answers.at(std::min(calls, answers.size() - 1))));
    ++calls;
  };
  REQUIRE(h.run() == RunOutcome::kFinished);
  CHECK(calls == 3);
  CHECK(h.runner.count("fleetctl stop a1") == 1);
  CHECK(h.runner.count("a2") == 0);
  std::vector<std::string> saved;
  for (const auto& r : h.records())
    if (r.event == JournalEvent::kStepFinished) saved.push_back(r.detail);
  CHECK(saved.front() == "@run:before=a[1-2]");
  CHECK(saved.back() == "@run:after=");
}

TEST_CASE("a gate over @run: and @vm: groups checks the nodes they hold when it is waited on") {
  ExecutorHarness h(
      R"(      gates:
        g:
          checks: [{check: fleet, expect: stopped, vms: "@run:acted,n4"}]
          timeout: 2s
      phases:
        - name: p
          steps:
            - save_group: {name: acted, nodes: "@vm:running"}
          wait_for: [g]
)",
      kFleet);
  h.groups->add_source("vm", fleet_source({{"a1", "active\trunning"}}));
  h.results.on_hurry = [&](const std::string& key) { h.results.set(key, checks::Status::ok); };
  REQUIRE(h.run() == RunOutcome::kFinished);
  bool seen = false;
  for (const auto& [key, pace] : h.results.hurried)
    seen = seen || key == "fleet{expect=stopped,vms=a1,n4}";
  CHECK(seen);
}

TEST_CASE("exclude: removes nodes from every step, command and gate, journaled with who") {
  ExecutorHarness h(
      R"(      gates:
        g:
          checks: [{check: fleet, expect: stopped, vms: "n[1-4]", no_other_active: pcocc-vm-}]
          timeout: 2s
      phases:
        - name: p
          steps:
            - run: {on: "n[2-4]", command: 'echo {{ fold("@all") }}'}
            - run: {on: n3, command: echo only n3}
          wait_for: [g]
)",
      kFleet);
  h.options.exclude = "n3";
  h.options.excluded_by = "uid 0 (root) pid 42 on /dev/pts/1";
  h.results.on_hurry = [&](const std::string& key) { h.results.set(key, checks::Status::ok); };
  REQUIRE(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.count("n3:") == 0);
  CHECK(h.runner.count("n2: echo 'n[1-2,4]'") == 1);
  CHECK(h.runner.count("n4: echo 'n[1-2,4]'") == 1);
  const auto records = h.records();
  const auto* excluded = find(records, JournalEvent::kNodesExcluded);
  REQUIRE(excluded != nullptr);
  CHECK(excluded->step == "n3");
  CHECK(excluded->detail == "by uid 0 (root) pid 42 on /dev/pts/1");
  CHECK(runbook::replay(records).steps.at("p").at(2) == runbook::StepState::kSkipped);
  bool seen = false;
  for (const auto& [key, pace] : h.results.hurried)
    seen = seen || key == "fleet{expect=stopped,vms=n[1-2,4],no_other_active=pcocc-vm-,"
                          "active_allowed=n3}";
  CHECK(seen);
  REQUIRE(h.last_snapshot);
  CHECK(h.last_snapshot->excluded == "n3 by uid 0 (root) pid 42 on /dev/pts/1");
  CHECK(runbook::replay(records).exclusions ==
        std::vector<std::pair<std::string, std::string>>{
            {"n3", "by uid 0 (root) pid 42 on /dev/pts/1"}});
  CHECK(runbook::replay(records).step_details.at("p").at(2) == "n3 minus the excluded n3 is empty");
}

TEST_CASE("save_group saves its fallback when this run lacks the @run: group, and says so") {
  const std::string book = R"(      phases:
        - name: p
          steps:
            - save_group: {name: to_start, nodes: "@run:at_shutdown", fallback: "n[2-3]"}
            - run: {on: self, command: 'start {{ nodes("@run:to_start") }}'}
)";
  SECTION("run alone: the fallback") {
    ExecutorHarness h(book);
    REQUIRE(h.run() == RunOutcome::kFinished);
    CHECK(h.runner.count("start n2 n3") == 1);
    const auto state = runbook::replay(h.records());
    CHECK(state.step_details.at("p").at(1) ==
          "@run:to_start=n[2-3] (from n[2-3]: this run has no @run:at_shutdown)");
  }
  SECTION("--from-run: the earlier run's list") {
    ExecutorHarness h(book);
    h.options.import_groups = {{"at_shutdown", "n4"}};
    h.options.import_from = "restart-20261130-220000";
    REQUIRE(h.run() == RunOutcome::kFinished);
    CHECK(h.runner.count("start n4") == 1);
    const auto records = h.records();
    const auto* imported = find(records, JournalEvent::kRunGroupImported);
    REQUIRE(imported != nullptr);
    CHECK(imported->step == "at_shutdown");
    CHECK(imported->detail == "n4 from run restart-20261130-220000");
  }
}

TEST_CASE("from-run: reads the groups an earlier run saved") {
  TempDir dir;
  const runbook::RunStore store(dir.path);
  const std::string run = store.create("shutdown");
  {
    auto journal = runbook::Journal::create(store.journal(run));
    journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
    journal.append(JournalEvent::kStepStarted, "preflight", "2", "save @vm:running as @run:x");
    journal.append(JournalEvent::kStepFinished, "preflight", "2", "@run:vms_at_shutdown=a[1-3],b1");
  }
  const auto groups = runbook::saved_groups_of(store, run);
  CHECK(groups == std::map<std::string, std::string>{{"vms_at_shutdown", "a[1-3],b1"}});
  CHECK_THROWS_WITH(runbook::saved_groups_of(store, "nope"), Catch::Contains("no run 'nope'"));
}

TEST_CASE("plan --exclude shows each step's nodes without them, through resolve_step") {
  config::Diagnostics diagnostics;
  const auto site = site_with(R"(      phases:
        - name: p
          steps:
            - run: {on: "n[2-4]", command: echo hi}
            - run: {on: n3, command: echo only n3}
)",
                              diagnostics);
  const auto books = runbook::load_runbooks(site, diagnostics);
  REQUIRE(books.size() == 1);
  runbook::PlanOptions options;
  options.exclude = "n3";
  const std::string plan = runbook::render_plan(books[0], site, options);
  CHECK_THAT(plan, Catch::Contains("excluding n3 from every step and gate"));
  CHECK_THAT(plan, Catch::Contains("step 1 run on n[2,4] (2 nodes)"));
  CHECK_THAT(plan, Catch::Contains(
                       "step 2 run on no node: nothing to do, skipped (n3 minus the excluded n3 is empty)"));
  options.exclude = "@nosuchgroup";
  CHECK_THROWS_WITH(runbook::render_plan(books[0], site, options),
                    Catch::Contains("--exclude '@nosuchgroup'"));
}
