// The run as progress displays and metrics show it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>

#include "greenlight/runbook/run_snapshot.h"
#include "greenlight/runbook/runbook.h"
#include "run_journal.h"

namespace greenlight::runbook {

/// When each phase and step of the run started and ended in this process,
/// and the run's RunSnapshot built from them and the journal. Owned by
/// Executor::Impl (phases) and written by RunSteps (steps); written and
/// read on the io_context's thread.
class RunProgress {
 public:
  using Clock = std::chrono::steady_clock;

  void phase_started(const std::string& phase) { phase_started_[phase] = Clock::now(); }
  void phase_finished(const std::string& phase) { phase_finished_[phase] = Clock::now(); }
  void step_started(const std::string& phase, int number) {
    step_started_[{phase, number}] = Clock::now();
  }
  /// Its duration is measured from its last start.
  void step_ended(const std::string& phase, int number);

  /// `book`'s phases and steps as `journal` and the times above say, read
  /// at `now`, with the run's exclusions, pause and abort reasons and
  /// remedies; the caller sets the run's name, state and gate.
  RunSnapshot snapshot(const Runbook& book, const RunJournal& journal, Clock::time_point now) const;

 private:
  std::map<std::string, Clock::time_point> phase_started_, phase_finished_;
  std::map<std::pair<std::string, int>, Clock::time_point> step_started_;
  std::map<std::pair<std::string, int>, std::chrono::milliseconds> step_durations_;
};

}  // namespace greenlight::runbook
