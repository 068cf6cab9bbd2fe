#include "greenlight/runbook/executor.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "executor_impl.h"
#include "greenlight/core/process.h"
#include "greenlight/runbook/run_gate_status.h"
#include "greenlight/runbook/run_outline.h"

namespace greenlight::runbook {

void Operator::report(const std::string&) {}
std::string Operator::answered_by() const { return {}; }

const char* to_string(Decision::Kind kind) {
  switch (kind) {
    case Decision::Kind::kRetry:
      return "retry";
    case Decision::Kind::kRetryFailedNodes:
      return "retry-failed";
    case Decision::Kind::kSkip:
      return "skip";
    case Decision::Kind::kAbort:
      return "abort";
    case Decision::Kind::kLeavePaused:
      return "later";
    case Decision::Kind::kForceRetry:
      return "retry --force";
    case Decision::Kind::kRemedy:
      return "remedy";
  }
  return "?";
}

RunSnapshot::State state_of(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kFinished:
      return RunSnapshot::State::kFinished;
    case RunOutcome::kPaused:
      return RunSnapshot::State::kPaused;
    case RunOutcome::kAborted:
      return RunSnapshot::State::kAborted;
    case RunOutcome::kPoweredOff:
      return RunSnapshot::State::kPoweredOff;
  }
  return RunSnapshot::State::kPaused;
}

std::optional<RunOutcome> outcome_of(RunSnapshot::State state) {
  switch (state) {
    case RunSnapshot::State::kFinished:
      return RunOutcome::kFinished;
    case RunSnapshot::State::kPaused:
      return RunOutcome::kPaused;
    case RunSnapshot::State::kAborted:
      return RunOutcome::kAborted;
    case RunSnapshot::State::kPoweredOff:
      return RunOutcome::kPoweredOff;
    case RunSnapshot::State::kRunning:
    case RunSnapshot::State::kWaitingForGate:
    case RunSnapshot::State::kWaitingForOperator:
      break;
  }
  return std::nullopt;
}

const char* to_string(RunOutcome outcome) { return to_string(state_of(outcome)); }

namespace {

// This machine's host name (gethostname), empty when it cannot be read.
std::string this_host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

// `options` with this boot and this host's name where they are not given.
ExecutorOptions on_this_host(ExecutorOptions options) {
  if (options.boot_id.empty()) options.boot_id = current_boot_id();
  if (options.host_name.empty()) options.host_name = this_host_name();
  return options;
}

}  // namespace

Executor::Impl::Impl(Context context, std::string run_id, Journal journal,
                     std::vector<JournalRecord> history, ExecutorOptions options)
    : ctx_(context),
      run_id_(std::move(run_id)),
      options_(on_this_host(std::move(options))),
      journal_(std::move(journal), std::move(history)),
      groups_(ctx_, journal_, options_.refresh_groups),
      questions_(ctx_.person, journal_, *this, run_id_, options_),
      remedy_(ctx_, journal_, groups_, *this),
      gates_(ctx_, options_, journal_, groups_, questions_, remedy_, *this),
      attempts_(ctx_, options_, journal_, *this),
      interrupted_(ctx_.person, options_, run_id_, journal_, questions_, *this),
      steps_(ctx_, options_, run_id_,
             {journal_, groups_, questions_, progress_, attempts_, interrupted_, *this}) {}

Executor::Impl::~Impl() { *alive_ = false; }

void Executor::Impl::start(std::function<void(RunOutcome)> done) {
  done_ = std::move(done);
  // A process killed while its gate waited left the gate's status behind.
  if (!options_.dry_run) remove_run_gate_status(journal_.run_directory());
  const RunState& state = journal_.state();
  if (state.finished) return finish(RunOutcome::kFinished);
  if (state.aborted) return finish(RunOutcome::kAborted);
  if (journal_.records().empty()) {
    journal_.append(JournalEvent::kRunStarted, "", "", ctx_.book.name);
    // What the run follows, fingerprinted: resume refuses an outline
    // whose bytes changed since.
    if (!options_.dry_run) {
      if (const auto print = outline_fingerprint(journal_.run_directory()))
        journal_.append(JournalEvent::kRunOutline, "", "outline", *print);
    }
    if (!options_.from_phase.empty()) skip_phases_before(options_.from_phase);
  } else {
    journal_.append(JournalEvent::kRunResumed, "", "",
                    fmt::format("resumed by process {}", ::getpid()));
  }
  groups_.record_options(journal_, options_);
  advance();
}

void Executor::Impl::skip_phases_before(const std::string& from) {
  const auto& phases = ctx_.book.phases;
  auto it = std::find_if(phases.begin(), phases.end(),
                         [&from](const Phase& p) { return p.name == from; });
  if (it == phases.end()) {
    throw std::invalid_argument(
        fmt::format("runbook {} has no phase named '{}'", ctx_.book.name, from));
  }
  for (auto p = phases.begin(); p != it; ++p)
    journal_.append(JournalEvent::kPhaseSkipped, p->name, "", fmt::format("--from {}", from));
}

void Executor::Impl::advance() {
  asio::post(ctx_.io, [going = lifeline(), this] {
    if (going()) next();
  });
}

void Executor::Impl::next() {
  const auto& phases = ctx_.book.phases;
  if (phase_ >= phases.size()) {
    journal_.append(JournalEvent::kRunFinished, "", "", "");
    ctx_.person.report(fmt::format("run {} finished: {} phase{}", run_id_, phases.size(),
                                   phases.size() == 1 ? "" : "s"));
    return finish(RunOutcome::kFinished);
  }
  const Phase& phase = phases[phase_];
  if (journal_.phase_done(phase.name)) return next_phase();
  if (!phase_open_) {
    phase_open_ = true;
    progress_.phase_started(phase.name);
    if (journal_.state().current_phase != phase.name)
      journal_.append(JournalEvent::kPhaseStarted, phase.name, "", "");
    const std::string next_name = phase_ + 1 < phases.size() ? phases[phase_ + 1].name : "(end)";
    ctx_.person.report(fmt::format("[{}/{}] phase {}{}   (next: {})", phase_ + 1, phases.size(),
                                   phase.name, phase.title.empty() ? "" : ": " + phase.title,
                                   next_name));
  }
  switch (stage_) {
    case Stage::kRequire:
      if (item_ < phase.require.size()) return gates_.wait(phase, phase.require[item_]);
      stage_ = Stage::kSteps;
      item_ = 0;
      return next();
    case Stage::kSteps:
      if (item_ < phase.steps.size()) return steps_.step(phase, static_cast<int>(item_) + 1);
      stage_ = Stage::kWaitFor;
      item_ = 0;
      if (!phase.steps.empty() && phase_ + 1 < phases.size()) gates_.warm(phases[phase_ + 1]);
      return next();
    case Stage::kWaitFor:
      if (item_ < phase.wait_for.size()) return gates_.wait(phase, phase.wait_for[item_]);
      stage_ = Stage::kDone;
      return next();
    case Stage::kDone:
      journal_.append(JournalEvent::kPhaseFinished, phase.name, "", "");
      progress_.phase_finished(phase.name);
      return next_phase();
  }
}

void Executor::Impl::next_phase() {
  ++phase_;
  stage_ = Stage::kRequire;
  item_ = 0;
  phase_open_ = false;
  advance();
}

void Executor::Impl::next_item() {
  ++item_;
  advance();
}

void Executor::Impl::finish(RunOutcome outcome) {
  if (finished_) return;
  finished_ = true;
  outcome_ = outcome;
  attempts_.cancel();
  gates_.end();
  if (done_) done_(outcome);
}

std::size_t Executor::Impl::stop(const std::string& why, std::chrono::milliseconds grace) {
  if (finished_) return 0;
  finished_ = true;
  gates_.cancel();
  return attempts_.stop(why, grace);
}

RunSnapshot Executor::Impl::snapshot() const {
  const auto now = RunProgress::Clock::now();
  RunSnapshot out = progress_.snapshot(ctx_.book, journal_, now);
  out.run = run_id_;
  out.runbook = ctx_.book.name;
  if (finished_) {
    out.state = state_of(outcome_);
  } else if (questions_.open()) {
    out.state = RunSnapshot::State::kWaitingForOperator;
  } else if (!gates_.waiting().empty()) {
    out.state = RunSnapshot::State::kWaitingForGate;
  }
  gates_.show(out, now);
  return out;
}

Executor::Executor(Context context, std::string run_id, Journal journal,
                   std::vector<JournalRecord> history, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(context, std::move(run_id), std::move(journal),
                                   std::move(history), std::move(options))) {}

Executor::~Executor() = default;

void Executor::start(std::function<void(RunOutcome)> done) { impl_->start(std::move(done)); }

RunSnapshot Executor::snapshot() const { return impl_->snapshot(); }

std::size_t Executor::stop(const std::string& why, std::chrono::milliseconds grace) {
  return impl_->stop(why, grace);
}

}  // namespace greenlight::runbook
