// Gate remedies over the runbook fakes: when they fire, on what, how often,
// what the journal and the snapshot say, what plan shows, and what the
// loader refuses.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "greenlight/checks/fleet.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/remedy.h"
#include "support/executor_harness.h"
#include "support/ocean.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::Decision;
using runbook::JournalEvent;
using runbook::RunOutcome;
using std::chrono::milliseconds;

namespace {

// Gate g over check a, with the procedure's stuck-VM remedy.
std::string book_with(const std::string& gate_keys, const std::string& remedy_keys) {
  return fmt::format(R"(      gates:
        g:
          checks: [{{check: a}}]
{}
          remedy:
{}
            steps:
              - run: {{on: "@remedy:hosts", command: systemctl stop fleet}}
              - run:
                  on: self
                  command: fleetctl stop --no-block {{{{ nodes("@remedy:vms", format="pcocc-vm-%s.service") }}}}
              - run: {{on: "@remedy:hosts", command: systemctl start fleet}}
      phases:
        - name: stop-vms
          steps:
            - run: {{on: self, command: fleetctl stop --no-block pcocc-vm-admin1.service}}
          wait_for: [g]
)",
                     gate_keys, remedy_keys);
}

// What fleet_units says of admin1 stuck on n2 (127.0.0.2), and of batch1
// shutting down on n3.
std::vector<checks::Fact> stuck_facts() {
  return {{"vm_machine", "admin1", "4f2a9c01/127.0.0.2"},
          {"vm_red", "admin1", "running"},
          {"vm_machine", "batch1", "77aa0b3c/127.0.0.3"},
          {"vm_red", "batch1", "stop-sigterm"}};
}

std::vector<runbook::JournalRecord> of(const std::vector<runbook::JournalRecord>& records,
                                       JournalEvent event) {
  std::vector<runbook::JournalRecord> out;
  for (const auto& r : records)
    if (r.event == event) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("the objects keeping a gate red: VMs in the remedy's states, placed on their hosts") {
  config::Diagnostics diagnostics;
  const config::Site site =
      site_with(book_with("          timeout: 5s", "            after: 1s"), diagnostics);
  runbook::Remedy remedy;
  checks::CheckResult result;
  result.facts = stuck_facts();
  result.facts.push_back({"vm_red", "lnet1", "running"});
  result.facts.push_back({"vm_machine", "lnet1", "99/10.9.9.9"});
  result.facts.push_back({"vm_red", "auto1", "running"});  // no machine fact: unplaced
  const auto objects = runbook::remedy_objects({&result}, remedy, site);
  CHECK(objects.vms_folded() == "admin1,auto1,lnet1");  // batch1 is shutting down: left alone
  CHECK(objects.hosts_folded() == "n2");
  CHECK(objects.describe() ==
        "admin1 (running) on n2, auto1 (running) on - (no host of the site), lnet1 (running) on "
        "99/10.9.9.9 (no host of the site)");
  remedy.states = {"running", "stop-sigterm"};
  CHECK(runbook::remedy_objects({&result}, remedy, site).hosts_folded() == "n[2-3]");
  CHECK(runbook::host_of_machine("-", site).empty());
  CHECK(runbook::host_of_machine("n4", site) == "n4");
  CHECK(runbook::host_of_machine("4f2a9c01.../127.0.0.1", site) == "n1");
}

TEST_CASE("fleet_units names the VMs that keep it red and where fleet runs them") {
  auto units = checks::parse_fleet_units(
      "pcocc-vm-admin1.service\t4f2a/10.1.0.2\tactive\trunning\n"
      "pcocc-vm-batch1.service\t77aa/10.1.1.1\tinactive\tdead\n"
      "pcocc-vm-ns1.service\t4f2a/10.1.0.2\tactive\trunning\n"
      "pcocc-vm-auto1.service\t-\tactive\trunning\n");
  REQUIRE(units.ok());
  checks::FleetExpectation expect;
  expect.vms = {"admin1", "batch1"};
  expect.expect = checks::UnitExpectation::stopped;
  expect.no_other_active = "pcocc-vm-";
  expect.active_allowed = {"ns1"};
  const auto result = checks::fleet_units_verdict(units.value(), expect, 0);
  CHECK(result.status == checks::Status::critical);
  CHECK(result.facts_of("vm_red") ==
        std::map<std::string, std::string>{{"admin1", "running"}, {"auto1", "running"}});
  CHECK(result.facts_of("vm_machine").at("admin1") == "4f2a/10.1.0.2");
  CHECK(result.facts_of("vm_machine").at("auto1") == "-");
}

TEST_CASE("a remedy runs once the gate is red `after`, on what keeps it red, the gate then opens") {
  ExecutorHarness h(book_with("          stable_for: 300ms\n          timeout: 10s",
                              "            after: 400ms\n            attempts: 2"));
  // Red with admin1 stuck until fleet was started again on its hypervisor.
  h.results.on_hurry = [&h](const std::string& key) {
    if (h.runner.count("systemctl start fleet") > 0) {
      h.results.set(key, checks::Status::ok, "all stopped");
    } else {
      h.results.set(key, checks::Status::critical, "1 of 2 units not stopped", stuck_facts());
    }
  };
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.recorded ==
        std::vector<std::string>{
            "n1: fleetctl stop --no-block pcocc-vm-admin1.service", "n2: systemctl stop fleet",
            "n1: fleetctl stop --no-block pcocc-vm-admin1.service", "n2: systemctl start fleet"});
  const auto records = h.records();
  const auto waiting = of(records, JournalEvent::kGateWaiting);
  const auto started = of(records, JournalEvent::kRemedyStarted);
  const auto finished = of(records, JournalEvent::kRemedyFinished);
  const auto green = of(records, JournalEvent::kGateGreen);
  REQUIRE(waiting.size() == 1);  // one wait, the remedy inside it
  REQUIRE(started.size() == 1);
  REQUIRE(finished.size() == 1);
  REQUIRE(green.size() == 1);
  CHECK(started[0].step == "g");
  CHECK(started[0].detail == "attempt 1 of 2: admin1 (running) on n2");
  CHECK(started[0].unix_ms - waiting[0].unix_ms >= 400);
  CHECK(finished[0].detail == "ok");
  std::vector<std::string> steps;
  for (const auto& r : of(records, JournalEvent::kRemedyStep)) steps.push_back(r.detail);
  CHECK(steps == std::vector<std::string>{"groups @remedy:vms=admin1 @remedy:hosts=n2",
                                          "step 1 started on n2: systemctl stop fleet", "step 1 ok on 1 node",
                     "step 2 started on n1: fleetctl stop --no-block pcocc-vm-admin1.service",
                     "step 2 ok on 1 node", "step 3 started on n2: systemctl start fleet",
                     "step 3 ok on 1 node"});
  // The evidence rule: stable_for counts from after the remedy.
  CHECK(green[0].unix_ms - finished[0].unix_ms >= 300);
  REQUIRE(h.last_snapshot.has_value());
  REQUIRE(h.last_snapshot->remedies.size() == 1);
  CHECK(h.last_snapshot->remedies[0].attempts == 1);
  CHECK(h.last_snapshot->remedies[0].last == "attempt 1 of 2: admin1 (running) on n2: ok");
}

TEST_CASE("remedy attempts are bounded, the timeout holds, the operator can run one more") {
  ExecutorHarness h(
      book_with("          timeout: 1500ms", "            after: 100ms\n            attempts: 2"));
  h.runner.failing_commands["systemctl stop fleet"] = {1, "Failed to stop fleet.service"};
  h.results.on_hurry = [&h](const std::string& key) {
    h.results.set(key, checks::Status::critical, "1 of 2 units not stopped", stuck_facts());
  };
  h.person.decisions.push_back({Decision::Kind::kRemedy, ""});
  const auto begin = std::chrono::steady_clock::now();
  CHECK(h.run() == RunOutcome::kPaused);
  const auto records = h.records();
  std::vector<std::string> remedies;
  for (const auto& r : records) {
    if (r.event == JournalEvent::kRemedyStarted) remedies.push_back(r.detail.substr(0, 15));
    if (r.event == JournalEvent::kGateTimedOut) remedies.push_back("timed out");
  }
  // Two attempts in the first wait, then the operator's, then a new wait
  // (the operator chose it) with its own two.
  CHECK(remedies == std::vector<std::string>{"attempt 1 of 2:", "attempt 2 of 2:", "timed out",
                                             "by the operator",
                                             "attempt 1 of 2:", "attempt 2 of 2:", "timed out"});
  // The timeout counts from the wait's start, remedies included.
  const auto waited = of(records, JournalEvent::kGateTimedOut)[0].unix_ms -
                      of(records, JournalEvent::kGateWaiting)[0].unix_ms;
  CHECK(waited >= 1500);
  CHECK(waited < 2500);
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(6));
  // Every step ran although the first failed (the last restores fleet), and
  // the outcome names the failure.
  CHECK(h.runner.count("systemctl start fleet") == 5);
  CHECK_THAT(
      of(records, JournalEvent::kRemedyFinished)[0].detail,
      Catch::StartsWith("failed: step 1 failed on n2 (n2: exit 1: Failed to stop fleet.service)"));
  REQUIRE(h.person.pauses.size() == 2);
  const auto& pause = h.person.pauses[0];
  CHECK(pause.choices == std::vector<Decision::Kind>{Decision::Kind::kRetry,
                                                     Decision::Kind::kRemedy, Decision::Kind::kSkip,
                                                     Decision::Kind::kAbort});
  CHECK_THAT(pause.explanation, Catch::Contains("1 of 2 units not stopped"));
  CHECK_THAT(pause.explanation, Catch::Contains("Its remedy ran 2 times (at most 2 by itself)"));
  REQUIRE(h.last_snapshot.has_value());
  CHECK(h.last_snapshot->remedies.at(0).attempts == 5);
}

namespace {

// A journal cut by a crash while a remedy's step 1 ran (with or without the
// record of the groups its steps read).
void crashed_in_remedy(ExecutorHarness& h, bool with_groups) {
  auto journal = runbook::Journal::create(h.journal_path());
  journal.append(JournalEvent::kRunStarted, "", "", "book");
  journal.append(JournalEvent::kPhaseStarted, "stop-vms", "", "");
  journal.append(JournalEvent::kStepStarted, "stop-vms", "1", "run");
  journal.append(JournalEvent::kStepFinished, "stop-vms", "1", "ok on 1 node");
  journal.append(JournalEvent::kGateWaiting, "stop-vms", "g", "");
  journal.append(JournalEvent::kRemedyStarted, "stop-vms", "g",
                 "attempt 1 of 1: admin1 (running) on n2");
  if (with_groups)
    journal.append(JournalEvent::kRemedyStep, "stop-vms", "g",
                   "groups @remedy:vms=admin1 @remedy:hosts=n2");
  journal.append(JournalEvent::kRemedyStep, "stop-vms", "g",
                 "step 1 started on n2: systemctl stop fleet");
}

}  // namespace

TEST_CASE("a remedy cut by a crash: its step in flight never runs again, the steps after it do") {
  ExecutorHarness h(
      book_with("          timeout: 600ms", "            after: 50ms\n            attempts: 1"));
  crashed_in_remedy(h, true);
  h.results.on_hurry = [&h](const std::string& key) {
    h.results.set(key, checks::Status::critical, "1 of 2 units not stopped", stuck_facts());
  };
  CHECK(h.run() == RunOutcome::kPaused);
  // Steps 2 and 3 ran (fleet started again on n2); step 1 did not run again.
  REQUIRE(h.runner.recorded.size() == 2);
  CHECK_THAT(h.runner.recorded[0], Catch::Contains("fleetctl stop --no-block pcocc-vm-admin1.service"));
  CHECK_THAT(h.runner.recorded[1], Catch::Contains("systemctl start fleet"));
  for (const auto& command : h.runner.recorded)
    CHECK_THAT(command, !Catch::Contains("systemctl stop fleet"));
  const auto steps = of(h.records(), JournalEvent::kRemedyStep);
  CHECK(std::any_of(steps.begin(), steps.end(), [](const auto& r) {
    return r.detail.find("interrupted: greenlight stopped in step 1 started on n2: systemctl stop "
                         "fleet (it may have run; not run again); steps 2-3 never ran") !=
           std::string::npos;
  }));
  const auto finished = of(h.records(), JournalEvent::kRemedyFinished);
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].detail == "ok");
  // The attempt counts: no new one in the wait after it.
  CHECK(of(h.records(), JournalEvent::kRemedyStarted).size() == 1);
  CHECK(of(h.records(), JournalEvent::kGateTimedOut).size() == 1);
}

TEST_CASE("a remedy cut by a crash without the record of its groups: said, run by hand") {
  ExecutorHarness h(
      book_with("          timeout: 600ms", "            after: 50ms\n            attempts: 1"));
  crashed_in_remedy(h, false);
  h.results.on_hurry = [&h](const std::string& key) {
    h.results.set(key, checks::Status::critical, "1 of 2 units not stopped", stuck_facts());
  };
  CHECK(h.run() == RunOutcome::kPaused);
  CHECK(h.runner.recorded.empty());
  const auto finished = of(h.records(), JournalEvent::kRemedyFinished);
  REQUIRE(finished.size() == 1);
  CHECK_THAT(finished[0].detail,
             Catch::StartsWith("interrupted: greenlight stopped in step 1") &&
                 Catch::Contains("run them by hand"));
  CHECK(of(h.records(), JournalEvent::kRemedyStarted).size() == 1);
  CHECK(of(h.records(), JournalEvent::kGateTimedOut).size() == 1);
}

TEST_CASE("a red gate with nothing a remedy acts on waits without one") {
  ExecutorHarness h(book_with("          timeout: 500ms", "            after: 50ms"));
  h.results.on_hurry = [&h](const std::string& key) {
    // batch1 shutting down: red, but not stuck.
    h.results.set(key, checks::Status::critical, "1 of 2 units not stopped",
                  {{"vm_red", "batch1", "stop-sigterm"}});
  };
  CHECK(h.run() == RunOutcome::kPaused);
  CHECK(h.count(JournalEvent::kRemedyStarted) == 0);
  CHECK(h.runner.recorded.size() == 1);
}

TEST_CASE("plan shows a gate's remedy through the steps' own resolution") {
  ExecutorHarness h(
      book_with("          timeout: 5s", "            after: 2m\n            attempts: 2"));
  const std::string plan = runbook::render_plan(h.books[0], h.site);
  CHECK_THAT(plan, Catch::Contains("remedy: still red 2m into the wait, at most 2 attempts, on "
                                   "the VMs that keep it red (running: @remedy:vms)"));
  CHECK_THAT(plan,
             Catch::Contains("       remedy step 1 run on @remedy:hosts (resolved at run time):\n"
                             "          systemctl stop fleet"));
  CHECK_THAT(plan, Catch::Contains(
                       "remedy step 2 run on n1 (1 node):\n          fleetctl stop --no-block "
                       "{{ nodes(\"@remedy:vms\", format=\"pcocc-vm-%s.service\") }}   (node sets "
                       "resolved at run time)"));
}

TEST_CASE("the ocean shutdown applies the stuck-VM remedy on both VM gates, and plan shows it") {
  const greenlight::test::Ocean ocean;
  INFO(ocean.diagnostics.format());
  REQUIRE(ocean.diagnostics.ok());
  const auto& books = ocean.books;
  REQUIRE(books[0].name == "shutdown");
  for (const char* name : {"vms-stopped-except-dns", "all-vms-stopped"}) {
    const runbook::Gate* gate = books[0].gate(name);
    REQUIRE(gate != nullptr);
    REQUIRE(gate->remedy.has_value());
    REQUIRE(gate->remedy->steps.size() == 3);
    CHECK(gate->remedy->steps[0].nodes == "@remedy:hosts");
    CHECK(gate->remedy->steps[0].command->text() == "systemctl stop fleet");
    CHECK(gate->remedy->steps[1].nodes == "self");
    CHECK(gate->remedy->steps[2].command->text() == "systemctl start fleet");
    CHECK(gate->remedy->states == std::vector<std::string>{"running"});
  }
  const std::string plan = runbook::render_plan(books[0], ocean.site);
  CHECK_THAT(plan, Catch::Contains("remedy step 3 run on @remedy:hosts (resolved at run time):\n"
                                   "          systemctl start fleet"));
}

TEST_CASE("the loader refuses remedies it could not run") {
  auto errors = [](const std::string& book) {
    config::Diagnostics diagnostics;
    const auto site = site_with(book, diagnostics);
    runbook::load_runbooks(site, diagnostics);
    return diagnostics.format();
  };
  CHECK_THAT(errors(R"(      gates:
        g:
          checks: [{check: a}]
          remedy:
            steps: [{power: {on: n2, action: cycle}}]
      phases:
        - name: p
          wait_for: [g]
)"),
             Catch::Contains("gate 'g': remedy step 1: a remedy runs `run` steps only, not power"));
  CHECK_THAT(errors(R"(      gates:
        g:
          checks: [{check: a}]
          remedy: {after: 1m, states: [runing], steps: [{run: {on: n2, command: x, retries: 2}}]}
      phases:
        - name: p
          wait_for: [g]
)"),
             Catch::Contains("'runing' is not a fleet sub-state") &&
                 Catch::Contains("did you mean 'running'?") &&
                 Catch::Contains("a remedy step is not retried"));
  CHECK_THAT(errors(R"(      gates:
        g:
          checks: [{check: a}]
          remedy: {after: 1m}
      phases:
        - name: p
          steps:
            - run: {on: "@remedy:hosts", command: systemctl stop fleet}
          wait_for: [g]
)"),
             Catch::Contains("'steps' is required") &&
                 Catch::Contains("@remedy: groups exist only in a gate's remedy steps"));
}

TEST_CASE("a remedy step's start record is read back only when it is one") {
  CHECK(runbook::journaled_step_start(2, "top2", "systemctl start fleet") ==
        "step 2 started on top2: systemctl start fleet");
  CHECK(runbook::step_started_in(runbook::journaled_step_start(12, "top[1-2]", "true")) == 12u);
  CHECK_FALSE(runbook::step_started_in("step 2 failed: no such group"));
  CHECK_FALSE(runbook::step_started_in("step 2 skipped: no node"));
  CHECK_FALSE(runbook::step_started_in("groups @remedy:vms=admin1 @remedy:hosts=top2"));
  CHECK_FALSE(runbook::step_started_in("step x started on top2: true"));
  CHECK_FALSE(runbook::step_started_in("step 0 started on top2: true"));
  CHECK_FALSE(runbook::step_started_in("step 99999999999999999999999 started on top2: true"));
  CHECK_FALSE(runbook::step_started_in("step "));
  CHECK_FALSE(runbook::step_started_in(""));
}
