// A run held by this process, from its lock to its end: the one sequence
// that starts, resumes, stops and aborts a run, wherever it executes (the
// terminal's process, `greenlight runbook exec` and `resume`; greenlight
// serve, control's DaemonRuns; `greenlight runbook abort` of a run no
// process executes).
//
// Its life, in order: the constructor takes the run's lock (refused, with
// who holds it and what to do, when another process does); open_new() or
// open_resumed() creates or opens its journal (a resumed run's history read
// under the lock); start() hangs the notifier on the journal and builds and
// starts the Executor; then the run ends by itself (start's `done`), is
// stopped (stop(): it stays as journaled, to resume), or is aborted
// (abort(): journaled once, with who and why). when_idle() tells when the
// notifications of its end are done and journaled: a process that exits
// waits for it. The lock goes with the RunHost, after the executor.
//
// Transport stays with the caller: who answers the executor's questions
// (the Operator it passes in Executor::Context), the clients following the
// run, the signals that stop it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "greenlight/core/asio.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/notifier.h"
#include "greenlight/runbook/run_snapshot.h"
#include "greenlight/runbook/run_store.h"

namespace greenlight::runbook {

/// Another process holds the run (its lock): what() is the lock's error and,
/// when the holder is known, "; " and holder_advice (who it is, how to
/// follow or stop the run), e.g. "the run is being executed by process 42;
/// it executes in process 42 of uid 0 (root) ...".
class RunRefused : public std::runtime_error {
 public:
  RunRefused(const std::string& lock_error, int holder, const std::string& advice);
  /// RunLock::acquire's error alone ("the run is being executed by process 42").
  const std::string& lock_error() const { return lock_error_; }
  /// RunLock::holder: the process holding the run, -1 when its id is lost,
  /// 0 when it let go in the meantime.
  int holder() const { return holder_; }

 private:
  std::string lock_error_;
  int holder_ = 0;
};

/// How an abort went (RunHost::abort).
struct RunAbort {
  enum class Result {
    kAborted,          ///< run-aborted journaled now
    kAlreadyFinished,  ///< the journal says the run finished: nothing written
    kAlreadyAborted,   ///< the journal says the run was aborted: nothing written
  };
  Result result = Result::kAborted;
  /// The run-aborted record's detail (kAborted).
  std::string detail;
  /// The run never started or its journal could not be read: a journal of
  /// its own was made for the abort (no notification is told of it).
  bool new_journal = false;
  /// For the operator, one line each: the commands of an interrupted step
  /// ended, or left running on remote nodes (end_interrupted_steps).
  std::vector<std::string> lines;
};

/// One run held by this process. Not thread-safe: construct, call and
/// destroy it on the io_context's thread (`io`), which it and the executor
/// use for every callback. Destroying it stops nothing: it destroys the
/// executor (a run not stopped first stays as journaled), then releases
/// the lock; notifications already started finish and are journaled.
class RunHost {
 public:
  /// Takes the lock of `run` in `store` (RunLock::acquire). Throws
  /// RunRefused when another process holds it, std::runtime_error when the
  /// lock cannot be made.
  RunHost(asio::io_context& io, RunStore store, std::string run);
  ~RunHost();
  RunHost(const RunHost&) = delete;
  RunHost& operator=(const RunHost&) = delete;

  /// A new run: creates its journal (which must not exist). Throws JournalError.
  void open_new();
  /// A run resumed: reads its journal under the lock (the history the
  /// executor continues from), then opens it to append. Throws JournalError.
  void open_resumed();
  /// The same with the history already read under the lock (check_resume's).
  void open_resumed(std::vector<JournalRecord> history);

  /// Hangs the notifier on the journal (the site's `notify` of
  /// `context.site`, none for a dry run; the run named as notify_run
  /// names it), after `also`, the journal's observer (serve's log of the
  /// run's transitions; may be empty), then builds the executor over the
  /// journal and the history and starts it. `done` is called once with the
  /// outcome, as Executor::start; the executor stays until stop(), abort()
  /// or the RunHost goes. Call once, after open_new() or open_resumed().
  /// Everything `context` refers to must outlive the RunHost. Throws what
  /// the Executor's constructor and start throw (JournalError).
  void start(Executor::Context context, ExecutorOptions options,
             std::function<void(RunOutcome)> done,
             std::function<void(const JournalRecord&)> also = {});

  /// An orderly stop (a signal, serve stopping, a journal that failed):
  /// Executor::stop(why, grace), then the executor goes; the run stays as
  /// journaled, to resume. Returns the process groups it ended; 0 when no
  /// executor runs. Blocks up to `grace`.
  std::size_t stop(const std::string& why,
                   std::chrono::milliseconds grace = std::chrono::seconds(2));

  /// Ends the run as aborted for `reason` (an operator's, reason.h), by
  /// `by` ("uid 0 (root) pid 42 through the control socket"; empty when
  /// `reason` already says who), journaled once as run-aborted with the
  /// detail "REASON (aborted by BY)", or REASON alone when `by` is empty.
  /// With an executor: it stops first (its step's local commands ended,
  /// journaled with "the run was aborted: REASON"), and the record names
  /// the phase it ran and the last step started there; a step an earlier
  /// process started and left running (resume's question about it) is
  /// ended too (end_interrupted_steps); snapshot() is then the run as it
  /// stopped, aborted. Without one (a run no process
  /// executes, after open_resumed() or with no journal opened): what its
  /// interrupted step still runs is ended first, waiting up to `grace`
  /// (end_interrupted_steps); a run that never started (no record) or
  /// whose journal cannot be read gets a journal of its own, the damaged
  /// one kept as JOURNAL.damaged ("(the run never started)" or "(its
  /// journal could not be read: ...)" appended to the detail), and what
  /// the records before the damage say a step still runs is ended, those
  /// ends journaled in the new journal; a run that
  /// already finished or was aborted is left as it is (RunAbort::Result).
  /// The notifier is told of the record: start's, else one made here for
  /// `site`'s `notify` (none when `site` is null), which when_idle() then
  /// waits for. Throws JournalError (or std::filesystem::filesystem_error)
  /// when the journal cannot be written: the run stays as its journal says.
  RunAbort abort(const std::string& reason, const std::string& by,
                 const config::Site* site = nullptr,
                 std::chrono::milliseconds grace = std::chrono::seconds(2));

  /// Calls `idle` (on the io_context's thread) once no notification of the
  /// run is running: now when none does; at most the notify command's
  /// timeout plus its kill grace later. What the notifier is doing is
  /// journaled by then, the end's record included.
  void when_idle(std::function<void()> idle);
  /// Notifications started and not yet finished.
  std::size_t notifying() const;

  const std::string& run() const { return run_; }
  const RunStore& store() const { return store_; }
  std::filesystem::path journal_path() const { return store_.journal(run_); }
  /// When the run started: its journal's first record (a resumed run),
  /// else when it was opened here.
  std::chrono::system_clock::time_point started() const { return started_; }
  /// True from start() until stop(), abort() or the RunHost goes.
  bool executing() const { return executor_ != nullptr; }
  /// The executor's snapshot while it is there; after stop() or abort(),
  /// the run as it stopped; nothing before start().
  std::optional<RunSnapshot> snapshot() const;

 private:
  RunAbort abort_unheld(const std::string& detail, const config::Site* site,
                        std::chrono::milliseconds grace);
  /// Ends what `records` (replayed: `state`) say an interrupted step still
  /// runs, then journals run-aborted at `phase`/`step` with `detail`; the
  /// notifier (or the observer) hears it when `told`. The operator's lines.
  std::vector<std::string> journal_abort(Journal& journal, bool told,
                                         const std::vector<JournalRecord>& records,
                                         const RunState& state, const std::string& phase,
                                         const std::string& step, const std::string& detail,
                                         std::chrono::milliseconds grace);

  asio::io_context& io_;
  RunStore store_;
  std::string run_;
  RunLock lock_;
  std::optional<Journal> journal_;  ///< opened, until the executor takes it
  std::vector<JournalRecord> history_;
  std::chrono::system_clock::time_point started_;
  std::function<void(const JournalRecord&)> also_;  ///< start's observer of the journal
  /// Before the executor: it goes after it, whose journal tells it.
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<Executor> executor_;
  std::optional<RunSnapshot> last_;  ///< after the executor is gone
};

}  // namespace greenlight::runbook
