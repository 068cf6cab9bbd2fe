// A run's condition from its journal and lock (run_condition.h).
#include "greenlight/runbook/run_condition.h"

#include <fmt/format.h>

#include "greenlight/runbook/run_snapshot.h"

namespace greenlight::runbook {

RunStanding standing_of(const std::vector<JournalRecord>& records, const RunState& state,
                        int holder) {
  if (state.finished) return {RunCondition::kDone, 0, {}};
  if (state.aborted) return {RunCondition::kAborted, 0, {}};
  if (holder != 0) return {RunCondition::kExecuting, holder, {}};
  if (records.empty()) return {RunCondition::kStarting, 0, {}};
  if (state.self_poweroff_pending) return {RunCondition::kPoweredOff, 0, {}};
  if (state.paused) return {RunCondition::kPaused, 0, {}};
  return {RunCondition::kInterrupted, 0, {}};
}

const char* to_string(RunCondition condition) {
  switch (condition) {
    case RunCondition::kStarting:
      return "starting";
    case RunCondition::kExecuting:
      return "executing";
    case RunCondition::kPaused:
      return to_string(RunSnapshot::State::kPaused);
    case RunCondition::kPoweredOff:
      return to_string(RunSnapshot::State::kPoweredOff);
    case RunCondition::kInterrupted:
      return "interrupted";
    case RunCondition::kDone:
      return to_string(RunSnapshot::State::kFinished);
    case RunCondition::kAborted:
      return to_string(RunSnapshot::State::kAborted);
    case RunCondition::kDamaged:
      return "damaged";
  }
  return "?";
}

std::string name_of(const RunStanding& standing) {
  switch (standing.condition) {
    case RunCondition::kPoweredOff:
      return describe(RunSnapshot::State::kPoweredOff);
    case RunCondition::kDamaged:
      return "damaged: " + standing.damage;
    case RunCondition::kPaused:
      return describe(RunSnapshot::State::kPaused);
    case RunCondition::kDone:
      return describe(RunSnapshot::State::kFinished);
    case RunCondition::kAborted:
      return describe(RunSnapshot::State::kAborted);
    case RunCondition::kStarting:
    case RunCondition::kExecuting:
    case RunCondition::kInterrupted:
      break;
  }
  return to_string(standing.condition);
}

std::string describe(const RunStanding& standing) {
  switch (standing.condition) {
    case RunCondition::kExecuting:
      return fmt::format("executing (process {})", standing.process);
    case RunCondition::kPoweredOff:
      return name_of(standing) + " (resume once this host is up)";
    case RunCondition::kInterrupted:
      return name_of(standing) + " (resume to continue)";
    default:
      return name_of(standing);
  }
}

}  // namespace greenlight::runbook
