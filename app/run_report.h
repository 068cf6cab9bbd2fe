// What `greenlight runbook status` says about runs, read from their journals
// without disturbing a process that executes them: one value that the text
// and the JSON document (greenlight/runbook-run/v1, docs/json.md) print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_condition.h"
#include "greenlight/runbook/run_snapshot.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::app {

/// What a run executed by a process waits on now (or waited on when its
/// process ended).
struct RunWait {
  /// gate: waiting on `gate`; question: a confirm or manual step asks
  /// (`detail`); interrupted_gate: its process ended while it waited on `gate`.
  std::string kind;
  std::string phase;
  std::string gate;  ///< gate, interrupted_gate
  std::string step;  ///< question: the step number
  std::string detail;
  std::int64_t since_ms = 0;
  std::vector<std::string> why;  ///< gate: one line per check (explain_gate_wait)
};

/// A step or gate of a done phase that was skipped, with the journaled reason.
struct SkippedItem {
  std::string kind;  ///< step or gate
  std::string name;  ///< the step's number or the gate's name
  std::string reason;
};

/// The last step journaled in the current phase.
struct StepReport {
  int number = 0;
  std::string state;  ///< not started, started, finished, failed, skipped
  std::string detail;
};

struct PhaseReport {
  std::string name;
  std::string title;
  std::string state;                 ///< done, skipped, current, next, aborted or not run
  std::optional<StepReport> step;    ///< current or aborted: its last step
  std::vector<SkippedItem> skipped;  ///< done: what was skipped in it
};

/// An answer a person gave to one of the run's questions, as journaled with
/// who gave it ("... (answered by uid 0 (root) pid 42 on /dev/pts/1)").
struct AnswerReport {
  std::int64_t unix_ms = 0;
  std::string phase;
  std::string step;
  std::string detail;  ///< the journal record's detail, who included
};

/// One run as `greenlight runbook status RUN` shows it.
struct RunReport {
  std::string run;
  std::string runbook;
  std::string journal;  ///< the journal's path
  runbook::RunStanding condition;
  std::optional<std::int64_t> started_ms;  ///< the first record
  std::optional<std::int64_t> last_ms;     ///< the last record
  std::string last_event;
  std::optional<std::string> pause_reason;  ///< paused (neither finished nor aborted): why
  std::optional<std::string> abort_reason;  ///< aborted: why
  std::optional<RunWait> waiting;
  std::vector<std::pair<std::string, std::string>> exclusions;  ///< nodes, who
  std::vector<runbook::RunSnapshot::RemedyView> remedies;
  std::vector<AnswerReport> answers;  ///< oldest first
  std::vector<std::pair<std::string, std::string>> imported_groups;  ///< @run:NAME, nodes
  /// Where the phases come from when not from the site's runbook as it
  /// loads now: "not known ..." or "as the run started ..."; empty otherwise.
  std::string phases_note;
  std::vector<PhaseReport> phases;
};

/// One line of `greenlight runbook status` (no RUN).
struct RunListing {
  std::string run;
  std::string runbook;
  runbook::RunStanding condition;
  std::string current_phase;  ///< started, not finished; empty when none
  std::string damaged;        ///< why its journal cannot be read; empty when it can
};

/// A run's condition from its records and state (runbook::standing_of).
/// Reads the run's lock.
runbook::RunStanding condition_of(const runbook::RunStore& store, const std::string& run,
                                  const std::vector<runbook::JournalRecord>& records,
                                  const runbook::RunState& state);

/// Reads run `run` of `store` (which must exist). Throws JournalError when its
/// journal is damaged.
RunReport report_run(const runbook::RunStore& store, const std::string& run,
                     const std::vector<runbook::Runbook>& books);

}  // namespace greenlight::app
