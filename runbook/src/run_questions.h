// What the run asks the operator, and its pauses.
#pragma once

#include <functional>
#include <string>

#include "greenlight/runbook/executor.h"
#include "run_flow.h"
#include "run_journal.h"

namespace greenlight::runbook {

/// The run's questions to the operator (Operator): at most one open at a
/// time, which the run's state shows ("asking"); a pause journaled with the
/// operator's decision and who gave it, abort and "later" ending the run
/// here. An answer that comes once the run is over is dropped. Owned by
/// Executor::Impl; called on the io_context's thread, as the Operator answers.
class RunQuestions {
 public:
  RunQuestions(Operator& person, RunJournal& journal, RunFlow& flow, const std::string& run_id,
               const ExecutorOptions& options);

  /// A yes/no question (a confirm step, the approval of the first change).
  void confirm(const std::string& question, std::function<void(bool)> answer);
  /// The question before the run's first change (step `number` of
  /// `phase`, `shown` as it resolves now): journaled as asked (status shows
  /// it open, the notify command tells of it: a run in serve may ask with
  /// nobody attached), then put to the operator.
  void approve(const Phase& phase, int number, const std::string& shown,
               const std::string& question, std::function<void(bool)> answer);
  /// A manual step's instruction: true once done.
  void acknowledge(const std::string& instruction, std::function<void(bool)> done);
  /// Pauses the run on `pause`: journaled and reported, then put to the
  /// operator (a dry run aborts instead). Abort and "later" end the run;
  /// any other decision is journaled with who gave it and passed to `go_on`.
  void pause(const Pause& pause, std::function<void(const Decision&)> go_on);
  /// The run stops paused at step `number` of `phase` (a question answered
  /// no), `why` journaled; `greenlight runbook resume` asks again.
  void leave_paused(const Phase& phase, int number, const std::string& why);

  /// " (answered by uid 0 (root) pid 42 on /dev/pts/1)" for the answer just
  /// given, journaled with it; empty when the operator cannot tell.
  std::string answered_by() const;
  /// The answer just given is nobody's: the operator's input ended.
  bool gave_no_answer() const { return person_.gave_no_answer(); }
  /// A question is open.
  bool open() const { return open_; }

 private:
  // `answer`, called only while the run goes on, once the question is closed.
  template <typename Answer>
  auto closing(Answer answer);

  Operator& person_;
  RunJournal& journal_;
  RunFlow& flow_;
  const std::string& run_id_;
  const ExecutorOptions& options_;
  bool open_ = false;
};

}  // namespace greenlight::runbook
