// A read-only picture of one run, for progress displays and metrics.
//
// Executor::snapshot() returns a copy: a plain value with no reference into
// the executor, so a publisher can take one on the io_context's thread and
// read it from any other. `greenlight serve` publishes it to its exporter
// (control::published_run, control/include/greenlight/control/published_run.h)
// as these series (docs/metrics.md, "Runs and gates"):
//
//   greenlight_run_state{run,runbook,state}                    one per state, 1 for the run's
//   greenlight_run_phase_state{run,runbook,phase,state}        one per state, 1 for the phase's
//   greenlight_run_phase_duration_seconds{run,runbook,phase}   PhaseView::duration
//   greenlight_run_step_state{run,runbook,phase,step,kind,state}  StepView::state
//   greenlight_run_step_duration_seconds{run,runbook,phase,step,kind}  StepView::duration
//   greenlight_gate_green{run,phase,gate}                      `gate_status.green`
//   greenlight_gate_waiting_seconds{run,phase,gate}            `gate_waited`
//   greenlight_gate_remedy_attempts_total{run,phase,gate}      RemedyView::attempts
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

enum class PhaseState { kPending, kRunning, kDone, kSkipped };
const char* to_string(PhaseState state);

struct RunSnapshot {
  enum class State {
    kRunning,             ///< executing a step
    kWaitingForGate,      ///< `gate` names the gate, `gate_status` why it is red
    kWaitingForOperator,  ///< a confirm, manual or pause question is open
    kPaused,              ///< left paused; `pause_reason` says why
    kFinished,
    kAborted,
    kPoweredOff,  ///< greenlight's host is powering off; resume after it boots
  };
  struct PhaseView {
    std::string name;
    std::string title;
    PhaseState state = PhaseState::kPending;
    std::chrono::milliseconds duration{0};  ///< so far, while running
    bool timed = false;  ///< it ran in this process: duration is measured (0 ms included)
  };
  struct StepView {
    std::string phase;
    int number = 0;  ///< 1-based
    StepKind kind = StepKind::kRun;
    StepState state = StepState::kNotStarted;
    std::chrono::milliseconds duration{0};  ///< of its last attempt in this process
    std::string detail;                     ///< last journaled detail (summary or reason)
    bool timed = false;  ///< it ran in this process: duration is measured (0 ms included)
  };

  /// The remedies of one gate in one phase of this run, from its journal.
  struct RemedyView {
    std::string phase;
    std::string gate;
    int attempts = 0;      ///< started, automatic and the operator's, interrupted ones included
    bool running = false;  ///< the last one has not finished
    /// The last one: "attempt 1 of 2: admin1 (running) on top2: ok".
    std::string last;
  };

  std::string run;
  std::string runbook;
  State state = State::kRunning;
  std::vector<PhaseView> phases;  ///< in the runbook's order
  std::vector<StepView> steps;    ///< every step of every phase, in order
  std::string gate;               ///< the gate waited on; empty when none
  GateStatus gate_status;
  std::chrono::milliseconds gate_waited{0};
  std::string pause_reason;
  std::string abort_reason;  ///< the journaled reason of its abort (when aborted)
  /// Nodes excluded from every step and gate (`--exclude`): each exclusion
  /// with who made it, "worker04 by uid 0 (root) pid 42; islet[01-16] by ...";
  /// empty when none.
  std::string excluded;
  std::vector<RemedyView> remedies{};  ///< in the order they first ran
};

/// The remedies a journal records, one view per (phase, gate). `live`:
/// a process executes the run now. When it does not, a remedy started and
/// not finished was cut by a crash: it is not running but "interrupted"
/// (resume names its step in flight and runs the steps that never started).
std::vector<RunSnapshot::RemedyView> remedies_of(const std::vector<JournalRecord>& records,
                                                 bool live);
/// A run's state in the one vocabulary every reader of a run uses: the
/// control protocol's `ended` events, /api/v1/runs, greenlight_run_state's
/// `state` label (one series per word of kRunSnapshotStates, which control
/// hands the exporter), the status page and the terminal: "running", "waiting",
/// "asking", "paused", "done", "aborted", "powered-off".
const char* to_string(RunSnapshot::State state);
/// The same state in the operator's words, for sentences ("run X of Y is
/// waiting for a gate"): "running", "waiting for a gate", "waiting for the
/// operator", "paused", "finished", "aborted", "powered off".
const char* describe(RunSnapshot::State state);
/// The state to_string() names `word`, or nullopt for any other word.
std::optional<RunSnapshot::State> parse_run_state(std::string_view word);
/// Every state, in to_string()'s order.
inline constexpr RunSnapshot::State kRunSnapshotStates[] = {
    RunSnapshot::State::kRunning,  RunSnapshot::State::kWaitingForGate,
    RunSnapshot::State::kWaitingForOperator, RunSnapshot::State::kPaused,
    RunSnapshot::State::kFinished, RunSnapshot::State::kAborted,
    RunSnapshot::State::kPoweredOff};

}  // namespace greenlight::runbook
