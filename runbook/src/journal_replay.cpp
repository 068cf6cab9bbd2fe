// A run's state read back from its journal's records: replay(), declared in
// journal.h; the records themselves are written and read by journal.cpp.
#include <charconv>
#include <optional>
#include <string_view>

#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {
namespace {

template <typename T>
bool to_number(std::string_view text, T& value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

RunState replay(const std::vector<JournalRecord>& records) {
  RunState state;
  // An adoption counts the records restating the run after it; cut short
  // by a crash, it never happened (the run is as it was before it).
  std::optional<RunState> before_adoption;
  std::size_t restating = 0;
  // An adoption restates steps, gates and phases, never these: one of them
  // during the count (the executor's own, after the run was resumed as it
  // was) shows the adoption was cut short, whatever the count says.
  auto never_restated = [](JournalEvent event) {
    switch (event) {
      case JournalEvent::kRunStarted:
      case JournalEvent::kRunResumed:
      case JournalEvent::kRunPaused:
      case JournalEvent::kRunAborted:
      case JournalEvent::kRunFinished:
      case JournalEvent::kRunAdopted:
      case JournalEvent::kGateWaiting:
      case JournalEvent::kGateTimedOut:
      case JournalEvent::kNodesExcluded:
      case JournalEvent::kRunGroupImported:
      case JournalEvent::kRemedyStarted:
      case JournalEvent::kRemedyStep:
      case JournalEvent::kRemedyFinished:
      case JournalEvent::kRunOutline:
      case JournalEvent::kApprovalAsked:
      case JournalEvent::kChangeApproved:
        return true;
      default:
        return false;
    }
  };
  for (const auto& r : records) {
    // A notification's outcome is about the people told, not the run: an
    // adoption's count, the steps and the pause never see it.
    if (r.event == JournalEvent::kNotified) {
      state.last_sequence = r.sequence;
      continue;
    }
    if (restating > 0 && never_restated(r.event) && before_adoption) {
      const auto last = state.last_sequence;
      state = *before_adoption;  // cut short: the run as it was before it
      state.last_sequence = last;
      restating = 0;
    }
    if (restating > 0) {
      --restating;
    } else if (r.event != JournalEvent::kRunAdopted) {
      before_adoption.reset();
    }
    if (r.event == JournalEvent::kRunAdopted) {
      if (before_adoption) state = *before_adoption;
      before_adoption = state;
      const auto space = r.step.find(' ');
      to_number(space == std::string::npos ? std::string_view()
                                           : std::string_view(r.step).substr(space + 1),
                restating);
    }
    state.last_sequence = r.sequence;
    int step = 0;
    to_number(r.step, step);
    // A pause, resume or abort names the step it happened at, but its detail
    // is the run's, not the step's: a failed step keeps its failure (and its
    // failed nodes, read back by retry-failed after a resume).
    // So is the record of a step's processes: it says where the command
    // runs, not how the step went.
    const bool run_event =
        r.event == JournalEvent::kRunPaused || r.event == JournalEvent::kRunResumed ||
        r.event == JournalEvent::kRunAborted || r.event == JournalEvent::kStepProcess ||
        r.event == JournalEvent::kStepProcessEnded || r.event == JournalEvent::kStepRemote ||
        r.event == JournalEvent::kApprovalAsked || r.event == JournalEvent::kChangeApproved;
    if (step > 0 && !r.phase.empty() && !run_event) state.step_details[r.phase][step] = r.detail;
    switch (r.event) {
      case JournalEvent::kRunStarted:
        state.runbook = r.detail;
        break;
      case JournalEvent::kRunOutline:
        state.outline_fingerprints[r.step] = r.detail;
        break;
      case JournalEvent::kPhaseStarted:
        state.current_phase = r.phase;
        break;
      case JournalEvent::kGateSkipped:
        state.skipped_gates[r.phase][r.step] = r.detail;
        [[fallthrough]];
      case JournalEvent::kGateGreen:
        state.passed_gates[r.phase].push_back(r.step);
        break;
      case JournalEvent::kPhaseSkipped:
        state.finished_phases.push_back(r.phase);
        state.skipped_phases.push_back(r.phase);
        break;
      case JournalEvent::kStepStarted:
        state.steps[r.phase][step] = StepState::kStarted;
        state.self_poweroff_pending = false;
        break;
      case JournalEvent::kStepFinished:
        state.steps[r.phase][step] = StepState::kFinished;
        state.self_poweroff_pending = false;  // a dry run's, or a host that stayed up
        break;
      case JournalEvent::kStepFailed:
        state.steps[r.phase][step] = StepState::kFailed;
        state.self_poweroff_pending = false;  // the poweroff command failed
        break;
      case JournalEvent::kStepSkipped:
        state.steps[r.phase][step] = StepState::kSkipped;
        break;
      case JournalEvent::kSelfPoweroff:
        state.self_poweroff_pending = true;
        break;
      case JournalEvent::kPhaseFinished:
        state.finished_phases.push_back(r.phase);
        if (state.current_phase == r.phase) state.current_phase.clear();
        break;
      case JournalEvent::kRunPaused:
        state.paused = true;
        state.pause_reason = r.detail;
        break;
      case JournalEvent::kRunResumed:
        state.paused = false;
        state.self_poweroff_pending = false;
        break;
      case JournalEvent::kRunAborted:
        state.aborted = true;
        state.abort_reason = r.detail;
        break;
      case JournalEvent::kRunFinished:
        state.finished = true;
        break;
      case JournalEvent::kNodesExcluded:
        state.exclusions.emplace_back(r.step, r.detail);
        break;
      case JournalEvent::kRunGroupImported:
        state.imported_groups[r.step] = r.detail.substr(0, r.detail.find(' '));
        break;
      case JournalEvent::kRunAdopted:
        // The records after it restate steps, phases and gates by the
        // adopted runbook's positions: those before no longer apply.
        state.steps.clear();
        state.step_details.clear();
        state.finished_phases.clear();
        state.skipped_phases.clear();
        state.skipped_gates.clear();
        state.passed_gates.clear();
        state.current_phase.clear();
        state.adopted_outline = r.step.substr(0, r.step.find(' '));
        break;
      default:
        break;
    }
  }
  if (restating > 0 && before_adoption) {
    const auto last = state.last_sequence;
    state = *before_adoption;
    state.last_sequence = last;
  }
  for (const auto& [phase, steps] : state.steps) {
    for (const auto& [number, step_state] : steps) {
      if (step_state == StepState::kStarted) state.interrupted_steps.emplace_back(phase, number);
    }
  }
  return state;
}

}  // namespace greenlight::runbook
