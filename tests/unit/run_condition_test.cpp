// A run's condition as its journal and lock tell (runbook/run_condition.h):
// one rule for `runbook status`, the runs that hold the site and serve's
// account at start, in the words of the run's state everywhere else.
#include "greenlight/runbook/run_condition.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "greenlight/runbook/run_snapshot.h"

using namespace greenlight::runbook;

namespace {

std::vector<JournalRecord> records_of(
    std::initializer_list<std::pair<JournalEvent, std::string>> events) {
  std::vector<JournalRecord> out;
  std::uint64_t sequence = 0;
  for (const auto& [event, detail] : events) {
    JournalRecord record;
    record.sequence = ++sequence;
    record.event = event;
    record.phase = "shutdown";
    record.step = event == JournalEvent::kRunStarted ? "" : "4";
    record.detail = detail;
    out.push_back(record);
  }
  return out;
}

RunStanding standing(const std::vector<JournalRecord>& records, int holder = 0) {
  return standing_of(records, replay(records), holder);
}

}  // namespace

TEST_CASE("a run's condition from its journal and its lock") {
  using E = JournalEvent;
  const auto started = records_of({{E::kRunStarted, "restart"}, {E::kStepStarted, "run"}});
  CHECK(standing({}).condition == RunCondition::kStarting);
  CHECK(standing(started).condition == RunCondition::kInterrupted);
  CHECK(standing(started, 42).condition == RunCondition::kExecuting);
  CHECK(standing(started, 42).process == 42);
  CHECK(standing({}, 42).condition == RunCondition::kExecuting);
  CHECK(standing(records_of({{E::kRunStarted, "restart"}, {E::kRunPaused, "exit 3"}})).condition ==
        RunCondition::kPaused);
  // Done and aborted win over a lock still held by a process on its way out.
  CHECK(standing(records_of({{E::kRunStarted, "restart"}, {E::kRunFinished, ""}}), 42).condition ==
        RunCondition::kDone);
  CHECK(standing(records_of({{E::kRunStarted, "restart"}, {E::kRunAborted, "no"}}), 42).condition ==
        RunCondition::kAborted);
}

TEST_CASE("powered off only while no step record or resume follows the self-poweroff") {
  using E = JournalEvent;
  const auto down = records_of(
      {{E::kRunStarted, "restart"}, {E::kStepStarted, "poweroff"}, {E::kSelfPoweroff, "boot x"}});
  CHECK(standing(down).condition == RunCondition::kPoweredOff);
  CHECK(replay(down).self_poweroff_pending);
  // The poweroff command failed: the step's failure follows, and the run
  // pauses on it; it is not waiting for a boot.
  auto failed = down;
  failed.push_back(records_of({{E::kStepFailed, "exit 1"}}).front());
  failed.push_back(records_of({{E::kRunPaused, "step 4 failed"}}).front());
  CHECK_FALSE(replay(failed).self_poweroff_pending);
  CHECK(standing(failed).condition == RunCondition::kPaused);
  // A dry run records the step as done.
  auto dry = down;
  dry.push_back(records_of({{E::kStepFinished, "dry run"}}).front());
  CHECK(standing(dry).condition == RunCondition::kInterrupted);
  auto resumed = down;
  resumed.push_back(records_of({{E::kRunResumed, ""}}).front());
  CHECK(standing(resumed).condition == RunCondition::kInterrupted);
}

TEST_CASE("a condition's word is the run state's word where both have the state") {
  CHECK(std::string(to_string(RunCondition::kDone)) == to_string(RunSnapshot::State::kFinished));
  CHECK(std::string(to_string(RunCondition::kAborted)) == to_string(RunSnapshot::State::kAborted));
  CHECK(std::string(to_string(RunCondition::kPaused)) == to_string(RunSnapshot::State::kPaused));
  CHECK(std::string(to_string(RunCondition::kPoweredOff)) ==
        to_string(RunSnapshot::State::kPoweredOff));
  CHECK(std::string(to_string(RunCondition::kExecuting)) == "executing");
  CHECK(std::string(to_string(RunCondition::kInterrupted)) == "interrupted");
  CHECK(describe(RunStanding{RunCondition::kExecuting, 42, {}}) == "executing (process 42)");
  CHECK(describe(RunStanding{RunCondition::kDone, 0, {}}) == "finished");
  CHECK(describe(RunStanding{RunCondition::kPoweredOff, 0, {}}) ==
        "powered off (resume once this host is up)");
  CHECK(describe(RunStanding{RunCondition::kInterrupted, 0, {}}) ==
        "interrupted (resume to continue)");
  CHECK(describe(RunStanding{RunCondition::kDamaged, 0, "journal x:3: bad field"}) ==
        "damaged: journal x:3: bad field");
  // Without the advice, as serve's account of the runs at start and the
  // refusal of a second run say it.
  CHECK(name_of(RunStanding{RunCondition::kInterrupted, 0, {}}) == "interrupted");
  CHECK(name_of(RunStanding{RunCondition::kPoweredOff, 0, {}}) == "powered off");
  CHECK(name_of(RunStanding{RunCondition::kExecuting, 42, {}}) == "executing");
}
