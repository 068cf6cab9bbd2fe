// A gate's remedy as a run makes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "greenlight/core/asio.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/remedy.h"
#include "run_flow.h"
#include "run_groups.h"
#include "run_journal.h"

namespace greenlight::runbook {

/// A gate's remedy (remedy.h) as this run makes it: armed when the gate's
/// wait begins and due `after` it; its `run` steps, one after the other, on
/// the objects that keep the gate red, each journaled before it runs and
/// after; attempts bounded per wait; one cut by a crash finished on resume.
/// Owns the remedy's timer; the wait it serves is RunGates'. Owned by
/// Executor::Impl; called on the io_context's thread.
class GateRemedy {
 public:
  GateRemedy(const Executor::Context& context, RunJournal& journal, const RunGroups& groups,
             RunFlow& flow);

  /// Automatic attempts journaled for `gate` since its last timeout (or
  /// the phase's start).
  int made(const std::string& phase, const std::string& gate) const;
  /// A remedy of `gate` started and never finished (a crash): journaled as
  /// interrupted; the step in flight is not run again, the steps that never
  /// started run now (they restore what the first ones stopped), then
  /// `then`. False when there is none (`then` is not called).
  bool finish_interrupted(const Phase& phase, const std::string& gate, std::function<void()> then);
  /// `due` is called after `delay`, unless disarmed (or armed again) before.
  void arm(std::chrono::milliseconds delay, std::function<void()> due);
  void disarm();
  /// What keeps `gate` red in its checks' latest results (`status`'s red checks).
  RemedyObjects objects_keeping_red(const Gate& gate, const GateStatus& status) const;
  /// Runs `gate`'s remedy on `objects` (`head`: "attempt 1 of 2", "by the
  /// operator ..."), then `then` on a later turn of the io_context.
  void run(const Phase& phase, const Gate& gate, const RemedyObjects& objects,
           const std::string& head, std::function<void()> then);

 private:
  void step(const Phase& phase, const Gate& gate, std::size_t index,
            std::shared_ptr<std::vector<std::string>> failures, std::function<void()> then);

  Executor::Context ctx_;
  RunJournal& journal_;
  const RunGroups& groups_;
  RunFlow& flow_;
  asio::steady_timer timer_;
  std::uint64_t generation_ = 0;
};

}  // namespace greenlight::runbook
