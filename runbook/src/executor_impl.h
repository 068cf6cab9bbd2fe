// The executor itself: the run's sequence of phases, and the parts it
// hands each item to.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gate_remedy.h"
#include "greenlight/runbook/executor.h"
#include "interrupted_step.h"
#include "run_flow.h"
#include "run_gates.h"
#include "run_groups.h"
#include "run_journal.h"
#include "run_progress.h"
#include "run_questions.h"
#include "run_steps.h"
#include "step_attempts.h"

namespace greenlight::runbook {

/// Where the executor is within a phase.
enum class Stage { kRequire, kSteps, kWaitFor, kDone };

/// The run's sequence: its phases in order, each one's require gates, steps
/// and wait_for gates, one item at a time, each handed to its part (RunGates,
/// RunSteps), which says when it is over (RunFlow); the run's start, resume,
/// end and orderly stop. Owns the parts, where the run stands (phase, stage,
/// item) and whether it finished. Built, started, read and stopped on the
/// io_context's thread (Executor's contract).
class Executor::Impl final : public RunFlow {
 public:
  Impl(Context context, std::string run_id, Journal journal, std::vector<JournalRecord> history,
       ExecutorOptions options);
  ~Impl() override;

  void start(std::function<void(RunOutcome)> done);
  RunSnapshot snapshot() const;
  /// Executor::stop.
  std::size_t stop(const std::string& why, std::chrono::milliseconds grace);

  // RunFlow
  void next_item() override;
  void again() override { advance(); }
  void finish(RunOutcome outcome) override;
  bool over() const override { return finished_; }
  Lifeline lifeline() const override { return Lifeline(alive_, this); }

 private:
  void skip_phases_before(const std::string& from);
  void advance();
  void next();
  void next_phase();

  Context ctx_;
  std::string run_id_;
  ExecutorOptions options_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  RunJournal journal_;
  RunGroups groups_;
  RunProgress progress_;
  RunQuestions questions_;
  GateRemedy remedy_;
  RunGates gates_;
  StepAttempts attempts_;
  InterruptedStep interrupted_;
  RunSteps steps_;
  std::function<void(RunOutcome)> done_;

  std::size_t phase_ = 0;
  Stage stage_ = Stage::kRequire;
  std::size_t item_ = 0;
  bool phase_open_ = false;
  bool finished_ = false;
  RunOutcome outcome_ = RunOutcome::kPaused;
};

}  // namespace greenlight::runbook
