// What the parts of a run's execution (its steps, gates, remedies and
// questions) may ask of the run's sequence of phases, which Executor::Impl
// keeps: the item they were given (a step or a gate) is over, or is to be
// looked at again, or the run stops here.
#pragma once

#include <memory>
#include <utility>

#include "greenlight/runbook/executor.h"

namespace greenlight::runbook {

/// The run's sequence as its parts see it. Implemented by Executor::Impl,
/// which outlives every part; called on the io_context's thread.
class RunFlow {
 public:
  /// True while the run goes on: the executor exists and has not finished.
  /// A callback that comes later (a command's result, a timer, an answer)
  /// holds one and checks it before it acts.
  class Lifeline {
   public:
    Lifeline(std::shared_ptr<const bool> alive, const RunFlow* flow)
        : alive_(std::move(alive)), flow_(flow) {}
    bool operator()() const { return *alive_ && !flow_->over(); }

   private:
    std::shared_ptr<const bool> alive_;  ///< false once the executor is destroyed
    const RunFlow* flow_;                ///< read only while *alive_
  };

  virtual ~RunFlow() = default;
  /// The current item (a step, a gate) is over: the next one, on a later
  /// turn of the io_context.
  virtual void next_item() = 0;
  /// The current item again, on a later turn (a gate waited on again).
  virtual void again() = 0;
  /// The run stops here with `outcome`; the executor's `done` is told once.
  virtual void finish(RunOutcome outcome) = 0;
  /// The run has finished (or was stopped): nothing more is done.
  virtual bool over() const = 0;
  virtual Lifeline lifeline() const = 0;
};

}  // namespace greenlight::runbook
