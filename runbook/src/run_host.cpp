#include "greenlight/runbook/run_host.h"

#include <fmt/format.h>

#include <filesystem>

#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/run_abort.h"

namespace greenlight::runbook {
namespace {

RunLock take_lock(const RunStore& store, const std::string& run) {
  try {
    return RunLock::acquire(store.directory(run));
  } catch (const std::exception& error) {
    // Only a lock held elsewhere is a refusal; a directory that cannot be
    // locked at all is the state directory's failure, said as it is.
    const int holder = RunLock::holder(store.directory(run));
    if (holder == 0) throw;
    throw RunRefused(error.what(), holder, holder_advice(run, lock_holder(holder)));
  }
}

std::chrono::system_clock::time_point time_of(const JournalRecord& record) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(record.unix_ms));
}

}  // namespace

RunRefused::RunRefused(const std::string& lock_error, int holder, const std::string& advice)
    : std::runtime_error(advice.empty() ? lock_error : lock_error + "; " + advice),
      lock_error_(lock_error),
      holder_(holder) {}

RunHost::RunHost(asio::io_context& io, RunStore store, std::string run)
    : io_(io),
      store_(std::move(store)),
      run_(std::move(run)),
      lock_(take_lock(store_, run_)),
      started_(std::chrono::system_clock::now()) {}

// The executor goes before the notifier its journal tells, the lock last.
RunHost::~RunHost() {
  executor_.reset();
  notifier_.reset();
}

void RunHost::open_new() {
  journal_.emplace(Journal::create(journal_path()));
  started_ = std::chrono::system_clock::now();
}

void RunHost::open_resumed() { open_resumed(read_journal(journal_path())); }

void RunHost::open_resumed(std::vector<JournalRecord> history) {
  history_ = std::move(history);
  journal_.emplace(Journal::open(journal_path()));
  if (!history_.empty()) started_ = time_of(history_.front());
}

void RunHost::start(Executor::Context context, ExecutorOptions options,
                    std::function<void(RunOutcome)> done,
                    std::function<void(const JournalRecord&)> also) {
  if (!journal_) throw std::logic_error("RunHost::start before its journal is opened");
  also_ = std::move(also);
  // A dry run changes nothing and tells nobody.
  notifier_ = std::make_unique<Notifier>(
      io_, options.dry_run ? config::NotifySettings{} : context.site.notify,
      notify_run(context.site, run_, context.book.name));
  notifier_->watch(*journal_, also_);
  auto journal = std::move(*journal_);
  journal_.reset();
  executor_ = std::make_unique<Executor>(std::move(context), run_, std::move(journal),
                                         std::move(history_), std::move(options));
  history_.clear();
  executor_->start(std::move(done));
}

std::size_t RunHost::stop(const std::string& why, std::chrono::milliseconds grace) {
  if (!executor_) return 0;
  const std::size_t ended = executor_->stop(why, grace);
  last_ = executor_->snapshot();
  executor_.reset();
  return ended;
}

RunAbort RunHost::abort(const std::string& reason, const std::string& by, const config::Site* site,
                        std::chrono::milliseconds grace) {
  const std::string detail = by.empty() ? reason : fmt::format("{} (aborted by {})", reason, by);
  if (!executor_) return abort_unheld(detail, site, grace);
  stop("the run was aborted: " + reason, grace);
  RunAbort out;
  // The phase it ran, and the step it stopped at as a pause names it: the
  // last one started in that phase (GREENLIGHT_STEP of the notification).
  std::string phase;
  for (const auto& p : last_->phases) {
    if (p.state == PhaseState::kRunning) phase = p.name;
  }
  std::string step;
  for (const auto& view : last_->steps) {
    if (view.phase == phase && view.state != StepState::kNotStarted)
      step = std::to_string(view.number);
  }
  // A step an earlier process started and left running (the question
  // about it may be what the run waits on) ends with the run too.
  auto journal = Journal::open(journal_path());
  const auto records = read_journal(journal_path());
  out.lines = journal_abort(journal, true, records, replay(records), phase, step, detail, grace);
  last_->state = RunSnapshot::State::kAborted;
  last_->abort_reason = reason;
  out.detail = detail;
  return out;
}

// A run no process executes: its journal is read here, under the lock.
RunAbort RunHost::abort_unheld(const std::string& detail, const config::Site* site,
                               std::chrono::milliseconds grace) {
  journal_.reset();
  history_.clear();
  const auto path = journal_path();
  std::vector<JournalRecord> records;
  std::vector<JournalRecord> readable;  // of a damaged journal: the records before the damage
  std::string unreadable;
  try {
    if (std::filesystem::exists(path)) records = read_journal(path);
  } catch (const JournalError& error) {
    unreadable = error.what();
    readable = error.readable();
  } catch (const std::exception& error) {
    unreadable = error.what();
  }
  RunAbort out;
  if (records.empty()) {
    // Created but never started (no journal), or a journal that cannot be
    // read: the run still holds the site, so its abort starts a journal of
    // its own, the damaged one kept beside it.
    if (!unreadable.empty()) {
      std::filesystem::rename(path, path.string() + ".damaged");
    } else {
      std::filesystem::remove(path);  // empty
    }
    out.detail = unreadable.empty()
                     ? detail + " (the run never started)"
                     : fmt::format("{} (its journal could not be read: {}; kept as {}.damaged)",
                                   detail, unreadable, path.filename().string());
    out.new_journal = true;
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", RunStore::runbook_of(run_));
    // What the records before the damage say a step started and still
    // runs ends too (journaled in the new journal).
    out.lines =
        journal_abort(journal, false, readable, replay(readable), "", "", out.detail, grace);
    return out;
  }
  const auto state = replay(records);
  if (state.finished || state.aborted) {
    out.result =
        state.finished ? RunAbort::Result::kAlreadyFinished : RunAbort::Result::kAlreadyAborted;
    return out;
  }
  // Told like an abort in the run's own process.
  if (site != nullptr && !notifier_)
    notifier_ =
        std::make_unique<Notifier>(io_, site->notify, notify_run(*site, run_, state.runbook));
  auto journal = Journal::open(path);
  out.lines = journal_abort(journal, true, records, state, state.current_phase, "", detail, grace);
  out.detail = detail;
  return out;
}

std::vector<std::string> RunHost::journal_abort(Journal& journal, bool told,
                                                const std::vector<JournalRecord>& records,
                                                const RunState& state, const std::string& phase,
                                                const std::string& step, const std::string& detail,
                                                std::chrono::milliseconds grace) {
  if (told) {
    if (notifier_) {
      notifier_->watch(journal, also_);
    } else {
      journal.on_append(also_);
    }
  }
  // What its interrupted step started and still runs ends with it: a new
  // run must not start that command beside the old one.
  auto lines = end_interrupted_steps(journal, records, state, detail, grace);
  journal.append(JournalEvent::kRunAborted, phase, step, detail);
  return lines;
}

void RunHost::when_idle(std::function<void()> idle) {
  if (!notifier_) {
    idle();
    return;
  }
  notifier_->when_idle(std::move(idle));
}

std::size_t RunHost::notifying() const { return notifier_ ? notifier_->running() : 0; }

std::optional<RunSnapshot> RunHost::snapshot() const {
  if (executor_) return executor_->snapshot();
  return last_;
}

}  // namespace greenlight::runbook
