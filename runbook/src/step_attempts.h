// The commands of a run or power step on its nodes, retries included.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "greenlight/core/asio.h"
#include "greenlight/core/process.h"
#include "greenlight/runbook/executor.h"
#include "job_window.h"
#include "run_flow.h"
#include "run_journal.h"

namespace greenlight::runbook {

/// A run or power step's commands as one start of the step runs them: in a
/// window of the step's fanout, the nodes beyond its failure budget retried
/// `retries` times after `retry_delay`, results reported folded by node
/// set; each local process group journaled as it starts (step-process), and
/// ended by an orderly stop (step-process-ended). Owns the retry timer and
/// the process groups of the step running. Owned by Executor::Impl; called
/// on the io_context's thread.
class StepAttempts {
 public:
  /// How the step's commands ended, for the step's record.
  struct End {
    bool failed = false;
    std::string detail;        ///< the step-finished or step-failed record's
    std::string failed_nodes;  ///< folded, when it failed on nodes
  };

  StepAttempts(const Executor::Context& context, const ExecutorOptions& options,
               RunJournal& journal, RunFlow& flow);

  /// Runs `jobs`, step `number` of `phase`, then `done` (while the run goes on).
  void run(const Phase& phase, int number, const Step& s, std::vector<detail::Job> jobs,
           std::function<void(End)> done);
  /// Executor::stop: the retry timer cancelled, the local process groups
  /// of the step running ended (TERM, KILL after `grace`) and journaled with
  /// `why`. Returns how many it ended.
  std::size_t stop(const std::string& why, std::chrono::milliseconds grace);
  /// The run ended: no retry.
  void cancel() { retry_timer_.cancel(); }

 private:
  struct Attempt {
    std::vector<detail::Job> jobs;
    std::vector<std::string> order;
    std::map<std::string, RunResult> latest;
    int retries_left = 0;
    std::function<void(End)> done;
  };
  // A local command of step `number` started as process group `pid`: journaled.
  void started(const Phase& phase, int number, const std::string& node, int pid);
  void launch(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt,
              std::vector<detail::Job> jobs);
  void attempted(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt);

  Executor::Context ctx_;
  const ExecutorOptions& options_;
  RunJournal& journal_;
  RunFlow& flow_;
  asio::steady_timer retry_timer_;
  // The process groups the running step started here (cleared when its commands end).
  struct LiveGroup {
    std::string phase;
    int number = 0;
    ProcessGroupMark mark;  ///< taken when it started: its id may be reused once it ends
  };
  std::vector<LiveGroup> live_groups_;
};

}  // namespace greenlight::runbook
