// Adopting an edited runbook for a run that has not ended: an explicit
// operator choice (`greenlight runbook resume RUN --adopt`), never implied.
//
// A run's journal names steps by their place in a phase, and its outline
// (run_outline.h) records what each place held when the run started. A step
// keeps its state (done, skipped, failed, interrupted) only when its
// identity maps onto a step of the edited runbook: its explicit `id:` (in
// any phase), else its content (the step's outline line without its number,
// in the phase of the same name; identical steps pair in order). Never by
// position. Steps of the edited runbook that map to nothing have not run.
// Steps of the run that map to nothing are dropped (their work stays done
// on the cluster, the run no longer counts them).
//
// The adoption is journaled (`run-adopted`, naming who and the new outline
// file, outline.SEQ), followed by records restating the run in the edited
// runbook's places; replay forgets what came before it (journal.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// A step as an outline records it.
struct OutlineStep {
  std::string phase;
  int number = 0;       ///< 1-based place in its phase
  std::string id;       ///< explicit `id:`; empty when none
  std::string content;  ///< the outline line after "step N " and the id
};

/// The steps of an outline, in order.
std::vector<OutlineStep> outline_steps(const std::vector<std::string>& outline);

/// What adopting `now` does to a run.
struct Adoption {
  struct Kept {
    OutlineStep then;
    OutlineStep now;
    StepState state = StepState::kFinished;
    bool by_id = false;  ///< mapped by `id:` (else by content)
  };
  std::vector<std::string> diff;  ///< outline_diff(then, now)
  std::vector<Kept> kept;         ///< steps of the run that keep their state
  std::vector<std::pair<OutlineStep, StepState>> dropped;  ///< steps of the run that map to nothing
  std::vector<OutlineStep> not_run;   ///< steps of `now` with no state: they will run
  std::vector<std::string> reopened;  ///< phases finished before that now have steps to run
  /// Records to append after run-adopted (sequence and time are the journal's).
  std::vector<JournalRecord> restated;
};

/// Plans the adoption of `now` by a run whose outline is `then` and whose
/// journal holds `history`. Pure.
Adoption plan_adoption(const std::vector<std::string>& then,
                       const std::vector<JournalRecord>& history, const Runbook& now);

/// The plan in the operator's words: the diff, then which steps keep their
/// state and by what, which are dropped, which will run, one per line.
std::vector<std::string> describe_adoption(const Adoption& adoption);

/// Journals the adoption of `now` by `run`: writes its outline (outline.SEQ),
/// then `run-adopted` (detail: a summary and `who`) and the restated
/// records. The caller holds the run's lock. Throws JournalError or
/// std::runtime_error; a crash before run-adopted is on disk leaves the run
/// as it was.
void adopt(const RunStore& store, const std::string& run, const Runbook& now,
           const Adoption& adoption, const std::string& who);

}  // namespace greenlight::runbook
