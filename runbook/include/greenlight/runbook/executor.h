// The runbook executor: runs a runbook's phases in order on the io_context
// (require gates, steps, wait_for gates), journals every transition to disk
// before acting on it, and pauses with an explanation and choices when a
// step fails or a gate times out.
//
// Resuming is the same object built over an existing journal: it continues
// from the first unfinished item. A step recorded as started but not as
// finished may or may not have run: it is never run again without asking
// the operator, unless it is declared idempotent (or only asks the operator
// something). A `self_poweroff` step ends the executor's process with the
// run "powered off"; resuming after the host boots marks the step done and
// continues with the next phase.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/asio.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/runner.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_snapshot.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// The operator's answer to a pause.
struct Decision {
  enum class Kind {
    kRetry,             ///< run the step (or wait for the gate) again
    kRetryFailedNodes,  ///< run the step again on the nodes that failed only
    kSkip,              ///< go on as if it had succeeded; `reason` is journaled
    kAbort,             ///< end the run
    kLeavePaused,       ///< decide later (`greenlight runbook resume RUN`)
    /// "retry --force": run an interrupted step again although a command of
    /// its earlier start still runs (offered only then; journaled with who)
    kForceRetry,
    /// run the gate's remedy once on what keeps it red now, then wait for
    /// the gate again (offered for a gate that has a remedy; journaled with who)
    kRemedy,
  };
  Kind kind = Kind::kLeavePaused;
  std::string reason;
};
const char* to_string(Decision::Kind kind);

/// Why the run stopped and what the operator may do about it.
struct Pause {
  enum class Cause { kStepFailed, kGateTimedOut, kStepInterrupted };
  Cause cause = Cause::kStepFailed;
  std::string phase;
  int step = 0;              ///< 1-based; 0 for a gate
  std::string gate;          ///< for kGateTimedOut
  std::string explanation;   ///< what happened, in the operator's words, several lines
  std::string failed_nodes;  ///< folded; empty unless kRetryFailedNodes is offered
  std::vector<Decision::Kind> choices;
};

/// The person running the runbook: the terminal in the program, a script in
/// tests. Every answer may come later (from another thread through
/// asio::post, or after a timer) but must come on the io_context's thread,
/// exactly once.
class Operator {
 public:
  virtual ~Operator() = default;
  /// A yes/no question: a `confirm` step, or the question before the first
  /// step that changes the cluster. No: the run pauses.
  virtual void confirm(const std::string& question, std::function<void(bool)> answer) = 0;
  /// A `manual` step: true once done; false pauses the run.
  virtual void acknowledge(const std::string& instruction, std::function<void(bool)> done) = 0;
  virtual void decide(const Pause& pause, std::function<void(Decision)> answer) = 0;
  /// Progress as lines for a terminal (phases, gates and why they are red,
  /// step results folded by node set). Default: dropped.
  virtual void report(const std::string& line);
  /// Who gave the answer just passed to a callback above ("uid 0 (root) pid
  /// 4242 on /dev/pts/1", "uid 1000 (ops) pid 77 through the control
  /// socket"), journaled with it. Default: empty (not known).
  virtual std::string answered_by() const;
  /// True when the answer just passed on is nobody's: the operator's input
  /// ended while the question was asked (confirm and acknowledge then get
  /// false, decide "later"). Journaled as "no answer", never as a person's.
  /// Default: false.
  virtual bool gave_no_answer() const { return false; }
};

struct ExecutorOptions {
  bool assume_yes = false;  ///< no question before the first step that changes the cluster
  /// Commands go to a dry-run runner: gates are not waited on, questions are
  /// answered yes, dynamic node sets that cannot resolve are shown as written.
  bool dry_run = false;
  std::string from_phase;  ///< a new run starts here; earlier phases are journaled as skipped
  /// `--exclude NODES` (a node set, "self" allowed): removed from every step
  /// and gate of the run from now on (steps' nodes, command templates, gate
  /// checks' node sets), journaled with `excluded_by` before anything runs.
  /// Exclusions of earlier processes (resume) are read from the journal.
  std::string exclude;
  std::string excluded_by;
  /// With assume_yes: who gave --yes ("uid 0 (root) pid 42"), journaled
  /// as the approval of the first change (kChangeApproved).
  std::string approved_by;  ///< who excluded them ("uid 0 (root) pid 42"), journaled
  /// `--from-run RUN`: @run: groups another run saved (name -> folded node
  /// set), journaled as this new run's own before its first phase.
  std::map<std::string, std::string> import_groups;
  std::string import_from;  ///< the run they come from
  /// Called right before a step or a gate resolves its node sets, so that a
  /// dynamic group (@vm:running) is what its source says now, not what it
  /// said earlier. May be empty (static groups only).
  std::function<void()> refresh_groups;
  /// This boot of the host (journaled with self_poweroff, to tell on resume
  /// whether the host really went down). Empty: /proc/sys/kernel/random/boot_id.
  std::string boot_id;
  /// This host's name, journaled with a self_poweroff so that a resume on
  /// another host is not taken for the host back up. Empty: gethostname().
  std::string host_name;
  GateWait::Options gate;
};

/// How a run stopped in this process: a subset of the run's states.
enum class RunOutcome { kFinished, kPaused, kAborted, kPoweredOff };
/// The state a run that stopped so is in.
RunSnapshot::State state_of(RunOutcome outcome);
/// The outcome a run in `state` stopped with; nullopt while it goes on
/// (running, waiting, asking).
std::optional<RunOutcome> outcome_of(RunSnapshot::State state);
/// The state's word (to_string(state_of(outcome))): "done", "paused",
/// "aborted", "powered-off".
const char* to_string(RunOutcome outcome);

/// Runs one run of one runbook. Everything it refers to must outlive it.
/// Not thread-safe: construct, start and read it on the io_context's thread.
class Executor {
 public:
  struct Context {
    asio::io_context& io;
    const Runbook& book;
    const config::Site& site;
    /// Node sets and templates resolve here; the executor adds the `run`
    /// source (@run:NAME of save_group steps).
    GroupResolver& groups;
    CommandRunner& runner;  ///< every command: steps' nodes and greenlight's own host
    std::function<Endpoint(const std::string& node)> endpoint_for;
    CheckResults& results;
    Operator& person;
  };

  /// `journal` is the run's journal, `history` what it held when opened
  /// (empty for a new run). `run_id` names the run in reports.
  Executor(Context context, std::string run_id, Journal journal, std::vector<JournalRecord> history,
           ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Starts (or resumes) the run; `done` is called once, when it finished,
  /// paused, was aborted, or the host is powering itself off. Throws
  /// JournalError when the journal cannot be written, at start or later: the
  /// error leaves io_context::run(), nothing more is done (no transition is
  /// acted upon unless it is on disk), and `greenlight runbook` exits with it;
  /// the run is then resumed from what the journal holds.
  void start(std::function<void(RunOutcome)> done);

  /// The run's state for progress displays and metrics.
  RunSnapshot snapshot() const;

  /// An orderly stop (SIGINT or SIGTERM of the process executing the run,
  /// an abort from outside): ends the local commands the running step
  /// started (SIGTERM to each process group, SIGKILL after `grace`),
  /// journals each one ended with `why`, and does nothing more: the caller
  /// then destroys the executor, `done` is not called. A journal that cannot
  /// be written is reported, not thrown. Blocks up to `grace`. Returns how
  /// many process groups it ended.
  std::size_t stop(const std::string& why,
                   std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::runbook
