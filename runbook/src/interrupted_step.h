// A step found started and never finished when the run resumes.
#pragma once

#include <functional>
#include <string>

#include "greenlight/runbook/executor.h"
#include "run_flow.h"
#include "run_journal.h"
#include "run_questions.h"

namespace greenlight::runbook {

/// A step the journal shows started and never finished (a crash, a kill, a
/// reboot, a self_poweroff): whether its host came back up, whether it may
/// simply run again, else the operator's choice with what of its commands
/// may still run (step_processes.h); never a second copy beside a command
/// that still runs unless the operator forces it. Holds no state of its
/// own: the journal says it all. Owned by Executor::Impl; called on the
/// io_context's thread.
class InterruptedStep {
 public:
  InterruptedStep(Operator& person, const ExecutorOptions& options, const std::string& run_id,
                  RunJournal& journal, RunQuestions& questions, RunFlow& flow);

  /// Resolves step `number` (`s`) of `phase`: `run_again` starts it anew,
  /// a step done or skipped goes on with the flow's next item.
  void resolve(const Phase& phase, int number, const Step& s, std::function<void()> run_again);

 private:
  Operator& person_;
  const ExecutorOptions& options_;
  const std::string& run_id_;
  RunJournal& journal_;
  RunQuestions& questions_;
  RunFlow& flow_;
};

}  // namespace greenlight::runbook
