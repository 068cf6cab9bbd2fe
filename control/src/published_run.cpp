#include "greenlight/control/published_run.h"

#include <algorithm>
#include <string>

namespace greenlight::control {
namespace {

using runbook::RunSnapshot;
using State = RunSnapshot::State;

bool any_step_failed(const RunSnapshot& run, const std::string& phase) {
  return std::any_of(run.steps.begin(), run.steps.end(), [&phase](const RunSnapshot::StepView& s) {
    return s.phase == phase && s.state == runbook::StepState::kFailed;
  });
}

// The phase in progress takes its word from the run: it waits with the run,
// and a run left paused (or aborted) on a failed step leaves it failed.
std::string phase_state(const RunSnapshot& run, const RunSnapshot::PhaseView& phase) {
  switch (phase.state) {
    case runbook::PhaseState::kPending:
      return "pending";
    case runbook::PhaseState::kDone:
      return "done";
    case runbook::PhaseState::kSkipped:
      return "skipped";
    case runbook::PhaseState::kRunning:
      break;
  }
  switch (run.state) {
    case State::kWaitingForGate:
    case State::kWaitingForOperator:
      return "waiting";
    case State::kPaused:
      return any_step_failed(run, phase.name) ? "failed" : "waiting";
    case State::kAborted:
      return "failed";
    case State::kFinished:
      return "done";
    default:
      return "running";
  }
}

std::string step_state(const RunSnapshot& run, const RunSnapshot::StepView& step) {
  switch (step.state) {
    case runbook::StepState::kNotStarted:
      return "pending";
    case runbook::StepState::kStarted:
      // A step the run was aborted in never ended: it failed to complete.
      if (run.state == State::kAborted) return "failed";
      return run.state == State::kWaitingForOperator ? "waiting" : "running";
    case runbook::StepState::kFinished:
      return "done";
    case runbook::StepState::kFailed:
      return "failed";
    case runbook::StepState::kSkipped:
      return "skipped";
  }
  return "pending";
}

std::string run_message(const RunSnapshot& run) {
  switch (run.state) {
    case State::kWaitingForGate:
      return "waiting for gate " + run.gate +
             (run.gate_status.green ? std::string() : ": " + run.gate_status.why_red());
    case State::kWaitingForOperator:
      return "waiting for the operator's answer";
    case State::kPaused:
      return run.pause_reason.empty() ? std::string("paused") : run.pause_reason;
    case State::kPoweredOff:
      return "greenlight's host is powering off; resume the run after it boots";
    case State::kAborted:
      return run.abort_reason.empty() ? std::string("aborted") : "aborted: " + run.abort_reason;
    default:
      return {};
  }
}

const exporter::PhaseState* previous_phase(const exporter::RunState* previous,
                                           const std::string& name) {
  if (previous == nullptr) return nullptr;
  for (const auto& phase : previous->phases) {
    if (phase.name == name) return &phase;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> run_state_words() {
  std::vector<std::string> words;
  for (const auto state : runbook::kRunSnapshotStates) words.emplace_back(runbook::to_string(state));
  return words;
}

exporter::RunState published_run(const RunSnapshot& run, SystemTime started, SystemTime now,
                                 const exporter::RunState* previous) {
  exporter::RunState out;
  out.id = run.run;
  out.runbook = run.runbook;
  out.state = runbook::to_string(run.state);
  out.started = started;
  out.message = run_message(run);
  out.excluded = run.excluded;
  for (const auto& remedy : run.remedies)
    out.remedies.push_back({remedy.phase, remedy.gate, remedy.attempts, remedy.last});
  for (const auto& view : run.phases) {
    exporter::PhaseState phase;
    phase.name = view.name;
    phase.state = phase_state(run, view);
    const bool running = view.state == runbook::PhaseState::kRunning;
    const bool ran_here = view.state == runbook::PhaseState::kDone && view.timed;
    const auto* before = previous_phase(previous, view.name);
    if (running || ran_here || (before != nullptr && before->started)) {
      phase.started = before != nullptr && before->started
                          ? *before->started
                          : now - std::chrono::duration_cast<SystemTime::duration>(view.duration);
      if (view.state == runbook::PhaseState::kDone) {
        phase.finished =
            *phase.started + std::chrono::duration_cast<SystemTime::duration>(view.duration);
      }
    }
    for (const auto& step_view : run.steps) {
      if (step_view.phase != view.name) continue;
      exporter::StepState step;
      step.name = std::to_string(step_view.number);
      step.state = step_state(run, step_view);
      step.message = step_view.detail;
      step.kind = runbook::to_string(step_view.kind);
      if (step_view.timed || step_view.state == runbook::StepState::kStarted)
        step.duration = step_view.duration;
      phase.steps.push_back(std::move(step));
    }
    out.phases.push_back(std::move(phase));
  }
  return out;
}

std::vector<exporter::GateState> published_gates(const RunSnapshot& run, SystemTime now) {
  if (run.gate.empty()) return {};
  exporter::GateState gate;
  gate.name = run.gate;
  gate.run = run.run;
  for (const auto& phase : run.phases) {
    if (phase.state == runbook::PhaseState::kRunning) gate.phase = phase.name;
  }
  const auto& status = run.gate_status;
  bool red = false;
  for (const auto& check : status.checks) {
    red = red || check.state == runbook::GateCheckState::State::kRed;
    // Named as the gate reads it: a gate's own variant of a check
    // ("fleet-units{expect=stopped,...}") under the name its results have.
    if (std::find(gate.checks.begin(), gate.checks.end(), check.key) == gate.checks.end())
      gate.checks.push_back(check.key);
  }
  gate.status = status.green ? "green" : red ? "red" : "unknown";
  gate.message = status.green ? "green" : status.why_red();
  gate.waiting_since = now - std::chrono::duration_cast<SystemTime::duration>(run.gate_waited);
  for (const auto& remedy : run.remedies) {
    if (remedy.phase == gate.phase && remedy.gate == gate.name) gate.remedy = remedy.last;
  }
  return {gate};
}

}  // namespace greenlight::control
