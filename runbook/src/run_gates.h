// Waiting on a run's gates.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "gate_remedy.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/run_gate_status.h"
#include "run_flow.h"
#include "run_groups.h"
#include "run_journal.h"
#include "run_questions.h"

namespace greenlight::runbook {

/// A run's gates, waited on one at a time: the gate as this run waits on it
/// (gate_for_run: its exclusions and dynamic groups of now), its wait
/// (GateWait), RUN/gate-status while it waits, its remedy armed
/// (GateRemedy), its pause when it times out; and the next phase's gates'
/// checks started early. Owns the wait and what the run shows of it. Owned
/// by Executor::Impl; called on the io_context's thread.
class RunGates {
 public:
  using Clock = std::chrono::steady_clock;

  RunGates(const Executor::Context& context, const ExecutorOptions& options, RunJournal& journal,
           const RunGroups& groups, RunQuestions& questions, GateRemedy& remedy, RunFlow& flow);

  /// Waits on gate `name` of `phase` (an item of its require or wait_for);
  /// the flow's next item once it is green or skipped. `after_remedy`: the
  /// same wait goes on after a remedy (no new gate-waiting record; the
  /// timeout counts from the wait's start).
  void wait(const Phase& phase, const std::string& name, bool after_remedy = false);
  /// The current phase's steps are over: every check of `next`'s `require`
  /// gates runs now, so that their evidence, which counts from the run's
  /// last action, starts there rather than at each check's next interval.
  void warm(const Phase& next);

  /// The gate the run waits on (or paused at), empty when none.
  const std::string& waiting() const { return gate_; }
  /// That gate, its status and how long it has been waited on, into `out`.
  void show(RunSnapshot& out, Clock::time_point now) const;
  /// An orderly stop: the wait cancelled.
  void cancel();
  /// The run ended: the wait cancelled and forgotten, its remedy disarmed,
  /// RUN/gate-status removed.
  void end();

 private:
  void done(const Phase& phase, const Gate& gate, GateOutcome outcome, const GateStatus& status);
  void timed_out(const Phase& phase, const Gate& gate, const GateStatus& status,
                 const std::string& why);
  // Keeps RUN/gate-status (run_gate_status.h) while wait_ waits on `gate`,
  // whose wait the journal's record of `since_ms` started.
  void keep_status(const Phase& phase, const Gate& gate, std::int64_t since_ms);
  // `gate` as this run waits on it now: its checks' node sets with the
  // run's exclusions removed and dynamic groups resolved (gate_for_run).
  const Gate& resolved(const Gate& gate);
  void remedy_due(const Phase& phase, const Gate& gate);
  // The operator's "remedy" at a gate's pause.
  void remedy_from_pause(const Phase& phase, const Gate& gate);

  Executor::Context ctx_;
  const ExecutorOptions& options_;
  RunJournal& journal_;
  const RunGroups& groups_;
  RunQuestions& questions_;
  GateRemedy& remedy_;
  RunFlow& flow_;

  std::unique_ptr<GateWait> wait_;
  std::string gate_;
  Clock::time_point started_{};
  GateStatus last_status_;
  // Declared after wait_: destroyed first, removing the file.
  std::unique_ptr<RunGateStatusWriter> status_file_;
  std::map<std::string, Gate> resolved_;
};

}  // namespace greenlight::runbook
