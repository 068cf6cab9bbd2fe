// Where a run stands as its journal and its lock tell any process that
// reads its directory: `runbook status`, the unfinished runs that hold the
// site (create_run), serve's account of them at start, completion. A run
// executed here is seen through its RunSnapshot instead; the states both
// know (paused, done, aborted, powered-off) have the snapshot's words.
#pragma once

#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {

enum class RunCondition {
  kStarting,     ///< created, its journal still empty
  kExecuting,    ///< a live process holds its lock
  kPaused,       ///< paused and no process executes it
  kPoweredOff,   ///< its host powered itself off as a step; resume once it is up
  kInterrupted,  ///< its process ended without pausing it (a crash, a kill)
  kDone,
  kAborted,
  kDamaged,  ///< its journal cannot be read
};

/// A run's condition, with what goes with it.
struct RunStanding {
  RunCondition condition = RunCondition::kInterrupted;
  int process = 0;     ///< kExecuting: the process holding the run's lock (-1: unknown)
  std::string damage;  ///< kDamaged: why the journal cannot be read
};

/// The condition of a run whose journal holds `records` (replayed to
/// `state`) and whose lock `holder` holds (RunLock::holder; 0 when none).
/// Done and aborted win over a holder (a process still exiting); a holder
/// wins over the rest. Powered off: RunState::self_poweroff_pending.
/// Pure; any thread.
RunStanding standing_of(const std::vector<JournalRecord>& records, const RunState& state,
                        int holder);

/// The condition's word: "starting", "executing", "paused", "powered-off",
/// "interrupted", "done", "aborted", "damaged"; the states a RunSnapshot
/// also has take its to_string() words. Static storage.
const char* to_string(RunCondition condition);

/// The standing in a sentence's words: "executing", "paused", "powered
/// off", "interrupted", "finished", "aborted", "starting", "damaged: WHY".
std::string name_of(const RunStanding& standing);

/// The standing in a sentence, with what the operator does next:
/// "executing (process 42)", "powered off (resume once this host is up)",
/// "interrupted (resume to continue)", "damaged: WHY", "finished".
std::string describe(const RunStanding& standing);

}  // namespace greenlight::runbook
