// What `greenlight runbook exec` and `resume` check before a run starts,
// wherever it then executes (in the command's process or in greenlight
// serve): one decision and one wording for both.
#pragma once

#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// The runbook named `name`; null when there is none.
const Runbook* find_runbook(const std::vector<Runbook>& books, const std::string& name);

/// `exec NAME [--from PHASE]`: the runbook, or why it cannot start.
struct ExecCheck {
  const Runbook* book = nullptr;  ///< null: refused
  std::string refusal;            ///< in the operator's words
  bool usage = false;             ///< refused for a phase the runbook lacks (a usage error)
};
ExecCheck check_exec(const std::vector<Runbook>& books, const std::string& name,
                     const std::string& from);

/// `resume RUN`: the run's runbook and journal, or why it cannot resume.
/// Reads the journal: call it while holding the run's lock when the history
/// is what the executor will continue from.
struct ResumeCheck {
  enum class Verdict { kResumable, kNoSuchRun, kFinished, kAborted, kRunbookGone };
  Verdict verdict = Verdict::kResumable;
  std::string refusal;  ///< in the operator's words; empty when resumable
  const Runbook* book = nullptr;
  std::vector<JournalRecord> history;
};
ResumeCheck check_resume(const RunStore& store, const std::vector<Runbook>& books,
                         const std::string& run);

}  // namespace greenlight::runbook
