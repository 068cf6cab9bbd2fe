// Resuming from the journal: after a crash in every state (the journal cut
// after each record, and cut in the middle of the next one), after a pause,
// and after greenlight's own host powered itself off.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::Decision;
using runbook::JournalEvent;
using runbook::RunOutcome;

namespace {

const char* kRestart = R"(      gates:
        g:
          checks: [{check: a}]
          timeout: 5s
      phases:
        - name: down
          steps:
            - confirm: go?
            - run: {on: "n[2-3]", command: stop-a}
            - run: {on: n2, command: stop-b, idempotent: true}
          wait_for: [g]
        - name: off
          steps:
            - self_poweroff: {command: poweroff-self}
        - name: up
          require: [g]
          steps:
            - run: {on: n2, command: start-a}
)";

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
  return lines;
}

std::string runbook_host() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

void green_on_hurry(ExecutorHarness& h) {
  h.results.on_hurry = [&h](const std::string& key) { h.results.set(key, checks::Status::ok); };
}

}  // namespace

TEST_CASE("self_poweroff ends the process's run, resume after the boot continues with startup") {
  ExecutorHarness h(kRestart);
  green_on_hurry(h);
  h.options.boot_id = "boot-1";
  CHECK(h.run() == RunOutcome::kPoweredOff);
  CHECK(h.runner.recorded.back() == "n1: poweroff-self");
  CHECK(h.runner.count("start-a") == 0);
  CHECK(h.last_snapshot->state == runbook::RunSnapshot::State::kPoweredOff);
  // The record that the host goes down precedes the command.
  const auto records = h.records();
  CHECK(records.back().event == JournalEvent::kSelfPoweroff);
  CHECK(records.back().detail == "boot boot-1 host " + runbook_host() + ": poweroff-self");

  SECTION("the host rebooted") {
    h.options.boot_id = "boot-2";
    CHECK(h.run() == RunOutcome::kFinished);
    CHECK(h.runner.count("poweroff-self") == 1);
    CHECK(h.runner.count("start-a") == 1);
    CHECK(h.runner.count("stop-a") == 2);
    CHECK(h.person.pauses.empty());
  }
  SECTION("the host did not reboot: the operator decides") {
    h.person.decisions.push_back({Decision::Kind::kSkip, "powered off by hand"});
    CHECK(h.run() == RunOutcome::kFinished);
    REQUIRE(h.person.pauses.size() == 1);
    CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("has not rebooted"));
    CHECK(h.runner.count("poweroff-self") == 1);
    CHECK(h.runner.count("start-a") == 1);
  }
}

TEST_CASE("a run whose host powered itself off is not taken as back up from another host") {
  ExecutorHarness h(kRestart);
  green_on_hurry(h);
  h.options.boot_id = "boot-1";
  h.options.host_name = "top1";
  CHECK(h.run() == RunOutcome::kPoweredOff);
  CHECK(h.records().back().detail == "boot boot-1 host top1: poweroff-self");
  // Resumed from the operator's workstation: its boot id differs, as any
  // other machine's does; that says nothing of top1.
  h.options.boot_id = "boot-ws";
  h.options.host_name = "workstation";
  CHECK(h.run() == RunOutcome::kPaused);
  REQUIRE(h.person.pauses.size() == 1);
  CHECK_THAT(h.person.pauses[0].explanation,
             Catch::Contains("powered off host top1, and this is workstation"));
  CHECK(h.runner.count("start-a") == 0);
}

TEST_CASE("a non-idempotent step interrupted by a crash is never re-run without the operator") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: n2, command: gluster volume stop v1}
            - run: {on: n2, command: echo next}
)");
  {
    auto journal = runbook::Journal::create(h.journal_path());
    journal.append(JournalEvent::kRunStarted, "", "", "book");
    journal.append(JournalEvent::kPhaseStarted, "only");
    journal.append(JournalEvent::kStepStarted, "only", "1", "run");
  }
  SECTION("left paused when nobody answers") {
    CHECK(h.run() == RunOutcome::kPaused);
    CHECK(h.runner.recorded.empty());
    REQUIRE(h.person.pauses.size() == 1);
    CHECK(h.person.pauses[0].cause == runbook::Pause::Cause::kStepInterrupted);
    CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("may or may not have taken effect"));
  }
  SECTION("retry runs it again") {
    h.person.decisions.push_back({Decision::Kind::kRetry, ""});
    CHECK(h.run() == RunOutcome::kFinished);
    CHECK(h.runner.recorded ==
          std::vector<std::string>{"n2: gluster volume stop v1", "n2: echo next"});
  }
  SECTION("skip records the reason and goes on") {
    h.person.decisions.push_back({Decision::Kind::kSkip, "volume is stopped"});
    CHECK(h.run() == RunOutcome::kFinished);
    CHECK(h.runner.recorded == std::vector<std::string>{"n2: echo next"});
  }
}

TEST_CASE("a crash in every state, then resume: every step runs once, never twice silently") {
  // A complete run, to learn every record a run writes.
  std::vector<std::string> full;
  {
    ExecutorHarness h(kRestart);
    green_on_hurry(h);
    h.options.boot_id = "boot-1";
    REQUIRE(h.run() == RunOutcome::kPoweredOff);
    h.options.boot_id = "boot-2";
    REQUIRE(h.run() == RunOutcome::kFinished);
    full = lines_of(h.journal_path());
  }
  REQUIRE(full.size() > 20);
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    for (bool torn : {false, true}) {
      if (torn && cut == full.size()) continue;
      INFO("journal cut after " << cut << " records" << (torn ? " plus half of the next" : ""));
      ExecutorHarness h(kRestart);
      green_on_hurry(h);
      std::string kept;
      for (std::size_t i = 0; i < cut; ++i) kept += full[i];
      if (torn) kept += full[cut].substr(0, full[cut].size() / 2);
      std::ofstream(h.journal_path()) << kept;
      const auto before = runbook::replay(runbook::read_journal(h.journal_path()));
      // What ran before the crash, by the journal: a started step may have run.
      auto started = [&](const std::string& phase, int step) {
        auto p = before.steps.find(phase);
        return p != before.steps.end() && p->second.count(step) != 0;
      };
      bool poweroff_recorded = false;
      for (const auto& r : runbook::read_journal(h.journal_path()))
        poweroff_recorded |= r.event == JournalEvent::kSelfPoweroff;
      const bool start_a_interrupted =
          started("up", 1) && before.steps.at("up").at(1) == runbook::StepState::kStarted;
      const bool stop_a_interrupted =
          started("down", 2) && before.steps.at("down").at(2) == runbook::StepState::kStarted;
      // The operator says "it ran" for an interrupted step that is not idempotent.
      h.person.decisions.push_back({Decision::Kind::kSkip, "it ran"});
      h.options.boot_id = "boot-2";
      RunOutcome outcome = h.run();
      if (outcome == RunOutcome::kPoweredOff) {
        h.options.boot_id = "boot-3";
        outcome = h.run();
      }
      CHECK(outcome == RunOutcome::kFinished);
      const std::size_t stop_a = h.runner.count("stop-a") / 2 + (started("down", 2) ? 1 : 0);
      CHECK(stop_a == 1);
      const std::size_t stop_b = h.runner.count("stop-b") + (started("down", 3) ? 1 : 0);
      const bool stop_b_interrupted =
          started("down", 3) && before.steps.at("down").at(3) == runbook::StepState::kStarted;
      CHECK(stop_b == (stop_b_interrupted ? 2u : 1u));  // idempotent: may run again
      const std::size_t poweroff = h.runner.count("poweroff-self") + (poweroff_recorded ? 1 : 0);
      CHECK(poweroff == 1);
      CHECK(h.runner.count("start-a") + (started("up", 1) ? 1 : 0) == 1);
      CHECK(h.person.pauses.size() == (stop_a_interrupted || start_a_interrupted ? 1u : 0u));
    }
  }
}

TEST_CASE("a failed step left paused shows the same failure and retry-failed after resume") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[2-3]", command: umount -a}
)");
  h.runner.exits["n3"] = {32};
  CHECK(h.run() == RunOutcome::kPaused);  // nobody answers: left paused
  REQUIRE(h.person.pauses.size() == 1);
  CHECK(h.person.pauses[0].failed_nodes == "n3");
  h.person.decisions.push_back({Decision::Kind::kRetryFailedNodes, ""});
  CHECK(h.run() == RunOutcome::kFinished);
  REQUIRE(h.person.pauses.size() == 2);
  CHECK(h.person.pauses[1].explanation == h.person.pauses[0].explanation);
  CHECK(h.person.pauses[1].failed_nodes == "n3");
  CHECK(h.person.pauses[1].choices.size() == 4);
  CHECK(h.runner.recorded ==
        std::vector<std::string>{"n2: umount -a", "n3: umount -a", "n3: umount -a"});
}
