// A run's steps, one at a time.
#pragma once

#include <optional>
#include <string>

#include "greenlight/runbook/executor.h"
#include "interrupted_step.h"
#include "run_flow.h"
#include "run_groups.h"
#include "run_journal.h"
#include "run_progress.h"
#include "run_questions.h"
#include "step_attempts.h"

namespace greenlight::runbook {

/// A run's steps, one at a time: what each kind does (a question to the
/// operator, a saved group, commands on nodes through StepAttempts, the
/// host's own power-off), the approval of the run's first change, each
/// step's start and end journaled, a failure put to the operator; a step
/// the journal shows started and never finished goes to InterruptedStep.
/// Owns whether the run's first change was approved. Owned by
/// Executor::Impl; called on the io_context's thread.
class RunSteps {
 public:
  struct Parts {
    RunJournal& journal;
    RunGroups& groups;
    RunQuestions& questions;
    RunProgress& progress;
    StepAttempts& attempts;
    InterruptedStep& interrupted;
    RunFlow& flow;
  };
  RunSteps(const Executor::Context& context, const ExecutorOptions& options,
           const std::string& run_id, Parts parts);

  /// Step `number` (1-based) of `phase`, as the journal leaves it: done or
  /// skipped, the flow's next item; failed, its pause again; started, its
  /// interruption resolved; else it runs.
  void step(const Phase& phase, int number);

 private:
  void execute(const Phase& phase, int number, std::optional<std::string> only_nodes);
  // Asks the operator to approve the run's first change, `shown` as it
  // resolves now; `before`: what an earlier question showed, when the
  // step's resolution changed while it was open (empty the first time).
  void approve_first_change(const Phase& phase, int number, std::optional<std::string> only_nodes,
                            std::string shown, const std::string& before);
  // What the approval of a step's change shows: a run or power step with
  // its nodes and its command as they would run now (`only_nodes` for a
  // retry of the failed ones); else, or when it cannot be resolved yet,
  // the step as written.
  std::string change_to_approve(const Step& s, const std::optional<std::string>& only_nodes);
  void ask_operator(const Phase& phase, int number, const Step& s);
  void save_group(const Phase& phase, int number, const Step& s);
  void run_on_nodes(const Phase& phase, int number, const Step& s,
                    const std::optional<std::string>& only_nodes);
  void self_poweroff(const Phase& phase, int number, const Step& s);
  void step_done(const Phase& phase, int number, const std::string& summary);
  void step_failed(const Phase& phase, int number, const std::string& reason,
                   const std::string& failed_nodes);
  void step_failed_pause(const Phase& phase, int number, const std::string& reason,
                         const std::string& failed_nodes);

  Executor::Context ctx_;
  const ExecutorOptions& options_;
  const std::string& run_id_;
  Parts parts_;
  bool cluster_change_approved_ = false;
  bool groups_fresh_ = false;  ///< refreshed for the approval just given
};

}  // namespace greenlight::runbook
