#include "run_progress.h"

#include <algorithm>
#include <vector>

namespace greenlight::runbook {

using std::chrono::milliseconds;

void RunProgress::step_ended(const std::string& phase, int number) {
  step_durations_[{phase, number}] =
      std::chrono::duration_cast<milliseconds>(Clock::now() - step_started_[{phase, number}]);
}

RunSnapshot RunProgress::snapshot(const Runbook& book, const RunJournal& journal,
                                  Clock::time_point now) const {
  RunSnapshot out;
  const RunState& state = journal.state();
  for (const auto& [nodes, who] : state.exclusions)
    out.excluded += (out.excluded.empty() ? "" : "; ") + nodes + " " + who;
  std::vector<std::string> skipped;
  for (const auto& record : journal.records()) {
    if (record.event == JournalEvent::kPhaseSkipped) skipped.push_back(record.phase);
  }
  for (const auto& phase : book.phases) {
    RunSnapshot::PhaseView view{phase.name, phase.title, PhaseState::kPending, milliseconds(0)};
    if (std::find(skipped.begin(), skipped.end(), phase.name) != skipped.end()) {
      view.state = PhaseState::kSkipped;
    } else if (journal.phase_done(phase.name)) {
      view.state = PhaseState::kDone;
    } else if (state.current_phase == phase.name) {
      view.state = PhaseState::kRunning;
    }
    if (auto s = phase_started_.find(phase.name); s != phase_started_.end()) {
      auto f = phase_finished_.find(phase.name);
      view.duration = std::chrono::duration_cast<milliseconds>(
          (f != phase_finished_.end() ? f->second : now) - s->second);
      view.timed = true;
    }
    out.phases.push_back(view);
    for (std::size_t i = 0; i < phase.steps.size(); ++i) {
      const int number = static_cast<int>(i) + 1;
      RunSnapshot::StepView step{phase.name,          number,
                                 phase.steps[i].kind, journal.step_state(phase.name, number),
                                 milliseconds(0),     {}};
      if (auto d = step_durations_.find({phase.name, number}); d != step_durations_.end()) {
        step.duration = d->second;
        step.timed = true;
      } else if (auto s = step_started_.find({phase.name, number}); s != step_started_.end()) {
        step.duration = std::chrono::duration_cast<milliseconds>(now - s->second);
        step.timed = true;
      }
      step.detail = journal.step_detail(phase.name, number);
      out.steps.push_back(step);
    }
  }
  if (state.paused) out.pause_reason = state.pause_reason;
  if (state.aborted) out.abort_reason = state.abort_reason;
  out.remedies = remedies_of(journal.records(), true);
  return out;
}

}  // namespace greenlight::runbook
