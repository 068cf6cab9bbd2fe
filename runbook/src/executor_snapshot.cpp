// The run as progress displays and metrics show it.
#include <algorithm>

#include "executor_impl.h"

namespace greenlight::runbook {

RunSnapshot Executor::Impl::snapshot() const {
  RunSnapshot out;
  out.run = run_id_;
  out.runbook = ctx_.book.name;
  const auto now = Clock::now();
  if (finished_) {
    out.state = state_of(outcome_);
  } else if (waiting_for_operator_) {
    out.state = RunSnapshot::State::kWaitingForOperator;
  } else if (!gate_.empty()) {
    out.state = RunSnapshot::State::kWaitingForGate;
  }
  for (const auto& [nodes, who] : state_.exclusions)
    out.excluded += (out.excluded.empty() ? "" : "; ") + nodes + " " + who;
  std::vector<std::string> skipped;
  for (const auto& record : records_) {
    if (record.event == JournalEvent::kPhaseSkipped) skipped.push_back(record.phase);
  }
  for (const auto& phase : ctx_.book.phases) {
    RunSnapshot::PhaseView view{phase.name, phase.title, PhaseState::kPending, milliseconds(0)};
    if (std::find(skipped.begin(), skipped.end(), phase.name) != skipped.end()) {
      view.state = PhaseState::kSkipped;
    } else if (phase_done(phase.name)) {
      view.state = PhaseState::kDone;
    } else if (state_.current_phase == phase.name) {
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
                                 phase.steps[i].kind, step_state(phase.name, number),
                                 milliseconds(0),     {}};
      if (auto d = step_durations_.find({phase.name, number}); d != step_durations_.end()) {
        step.duration = d->second;
        step.timed = true;
      } else if (auto s = step_started_.find({phase.name, number}); s != step_started_.end()) {
        step.duration = std::chrono::duration_cast<milliseconds>(now - s->second);
        step.timed = true;
      }
      if (auto p = state_.step_details.find(phase.name); p != state_.step_details.end()) {
        if (auto d = p->second.find(number); d != p->second.end()) step.detail = d->second;
      }
      out.steps.push_back(step);
    }
  }
  if (!gate_.empty()) {
    out.gate = gate_;
    out.gate_status = gate_wait_ ? gate_wait_->status() : last_gate_status_;
    out.gate_waited = std::chrono::duration_cast<milliseconds>(now - gate_started_);
  }
  if (state_.paused) out.pause_reason = state_.pause_reason;
  if (state_.aborted) out.abort_reason = state_.abort_reason;
  out.remedies = remedies_of(records_, true);
  return out;
}

}  // namespace greenlight::runbook
