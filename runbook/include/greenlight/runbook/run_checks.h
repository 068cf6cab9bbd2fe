// What `greenlight runbook exec` and `resume` check before a run starts,
// wherever it then executes (in the command's process or in greenlight
// serve): one decision and one wording for both.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/run_condition.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// The runbook named `name`; null when there is none.
const Runbook* find_runbook(const std::vector<Runbook>& books, const std::string& name);

/// The files `book` was read from: its own and, for a `sequence:`, those of
/// the runbooks it is made of (from its phases', steps' and gates' marks).
std::set<std::string> runbook_files(const Runbook& book);

/// `resume RUN` while `diagnostics` holds errors: the errors that concern
/// the run, those in the site file, in a file of the run's runbook (as
/// `books` has it), or of no known file, formatted; empty when every error
/// is in another runbook's file, which is then no reason to leave the run
/// paused. Reads the run's journal (its runbook's name); a run it cannot
/// read is concerned by every error.
std::string errors_concerning_run(const config::Site& site, const std::vector<Runbook>& books,
                                  const config::Diagnostics& diagnostics, const RunStore& store,
                                  const std::string& run);

/// `exec NAME [--from PHASE]`: the runbook, or why it cannot start.
struct ExecCheck {
  const Runbook* book = nullptr;  ///< null: refused
  std::string refusal;            ///< in the operator's words
  bool usage = false;             ///< refused for a phase the runbook lacks (a usage error)
};
ExecCheck check_exec(const std::vector<Runbook>& books, const std::string& name,
                     const std::string& from);

/// A run that has not ended (neither finished nor aborted): executing,
/// paused, waiting for its host to boot, or with a journal that cannot be read.
struct UnfinishedRun {
  std::string run;
  /// Executing, starting, paused, powered off, interrupted or damaged
  /// (never done nor aborted).
  RunStanding standing;
  /// Executing: the process holding its lock, as /proc tells (pid
  /// standing.process, its user "?" when unknown); else pid 0.
  LockHolder holder;
  bool concurrent = false;  ///< of a runbook with `concurrent_runs: true`
};

/// The unfinished runs of runbook `name` (every runbook when empty) in
/// `store`, sorted by run name. A run is of the runbook its journal's first
/// record names (the directory's name while its journal is still empty).
std::vector<UnfinishedRun> unfinished_runs(const RunStore& store, const std::string& name);

/// `exec NAME`: creates the new run's directory, holding the runbook's
/// outline (run_outline.h) and a copy of its file (runbook.yaml), unless a run that has not
/// ended holds the site: any run, for a runbook that runs alone (the
/// default); a run of a runbook that runs alone, for a `concurrent_runs:
/// true` runbook. Then refuses, naming each such run, its process and user,
/// and what to do. The look and the creation happen under one lock on the
/// state directory, so two execs at the same moment (in serve and in a
/// terminal) cannot both pass. Throws std::filesystem::filesystem_error or
/// std::runtime_error when the state directory cannot be written.
struct NewRun {
  std::string id;       ///< empty: refused
  std::string refusal;  ///< in the operator's words
};
NewRun create_run(const RunStore& store, const Runbook& book);

/// `resume RUN`: the run's runbook and journal, or why it cannot resume.
/// Reads the journal: call it while holding the run's lock when the history
/// is what the executor will continue from.
struct ResumeCheck {
  /// kRunbookChanged: the runbook differs from the outline saved when the
  /// run started (run_outline.h); the refusal shows what changed.
  /// kOutlineAltered: the outline file the run follows is not the one
  /// journaled when it was written (kRunOutline's fingerprint): edited or
  /// damaged on disk; nothing can say what the run followed.
  enum class Verdict {
    kResumable,
    kNoSuchRun,
    kFinished,
    kAborted,
    kRunbookGone,
    kRunbookChanged,
    kOutlineAltered,
    kDryRun  ///< a dry run's journal (mark_dry_run): nothing of it was done
  };
  Verdict verdict = Verdict::kResumable;
  std::string refusal;  ///< in the operator's words; empty when resumable
  const Runbook* book = nullptr;
  std::vector<JournalRecord> history;
  /// The outline the run follows (its own, or the one it adopted last);
  /// empty when the run has none.
  std::vector<std::string> outline;
  /// kRunbookChanged: the runbook as it is now (what `resume --adopt` maps the run onto).
  const Runbook* edited = nullptr;
};
ResumeCheck check_resume(const RunStore& store, const std::vector<Runbook>& books,
                         const std::string& run);

/// Marks `run` of `store` as a dry run (RUN/dry-run), before it executes:
/// its journal says "would run" where a real run did, so check_resume
/// refuses it (kDryRun) wherever its directory is found. Throws
/// std::runtime_error naming the file when it cannot write it.
void mark_dry_run(const RunStore& store, const std::string& run);

/// `--from-run RUN`: the @run: groups run `run` of `store` saved (its
/// save_group steps, and the groups it imported itself), name -> folded
/// nodes. Throws std::runtime_error naming the run when it does not exist,
/// its journal cannot be read or it saved no group.
std::map<std::string, std::string> saved_groups_of(const RunStore& store, const std::string& run);

/// `--exclude NODES`: throws std::runtime_error saying why when `nodes` is
/// not a node set of the site ("self" allowed), or names a node that is not
/// plain (node_name.h) or that neither the site nor `books` know: none of
/// the site's hosts, groups and checks' node sets, none of the books'
/// steps' `on`, `exclude` and `fallback` and gates' node set overrides
/// (`vms: web7`; `books`: the runbook run, or all when it is not known),
/// as they resolve before anything runs (@vm:running is not read): a typo,
/// or "bn1 bn2" read as one name as ClusterShell reads it, would leave out
/// nothing while the operator believes it left out. Empty is fine (none).
/// The one check of an exclusion: exec, plan and the control socket call it.
/// Returns the nodes excluded (empty for none).
NodeSet check_exclusion(const config::Site& site, const GroupResolver& groups,
                        const std::string& nodes, std::span<const Runbook> books = {});

}  // namespace greenlight::runbook
