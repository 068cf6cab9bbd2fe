#include "greenlight/runbook/executor.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

#include "executor_impl.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/process.h"

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

bool changes_cluster(const Step& step) {
  return step.kind == StepKind::kRun || step.kind == StepKind::kSelfPoweroff ||
         (step.kind == StepKind::kPower && step.power_action != "status");
}

// Steps that only ask the operator or record a node set: running them again
// after a crash has no effect on the cluster.
bool harmless_to_repeat(const Step& step) {
  return step.idempotent || step.kind == StepKind::kConfirm || step.kind == StepKind::kManual ||
         step.kind == StepKind::kSaveGroup;
}

// "failed on NODESET (...)" as journaled by a step that failed on nodes.
std::string failed_nodes_of(const std::string& detail) {
  constexpr std::string_view kPrefix = "failed on ";
  if (detail.compare(0, kPrefix.size(), kPrefix) != 0) return {};
  const auto end = detail.find(" (", kPrefix.size());
  return end == std::string::npos ? std::string()
                                  : detail.substr(kPrefix.size(), end - kPrefix.size());
}

// "boot ID host NAME: command" (or "boot ID: command", before host names
// were journaled) as journaled by self_poweroff.
std::string boot_of(const std::string& detail) {
  if (detail.compare(0, 5, "boot ") != 0) return {};
  const auto end = detail.find_first_of(" :", 5);
  return end == std::string::npos ? std::string() : detail.substr(5, end - 5);
}

std::string host_of_poweroff(const std::string& detail) {
  const auto colon = detail.find(':');
  const auto at = detail.find(" host ");
  if (at == std::string::npos || colon == std::string::npos || at > colon) return {};
  return detail.substr(at + 6, colon - at - 6);
}

std::string this_host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

Executor::Impl::Impl(Context context, std::string run_id, Journal journal,
                     std::vector<JournalRecord> history, ExecutorOptions options)
    : ctx_(context),
      run_id_(std::move(run_id)),
      journal_(std::move(journal)),
      records_(std::move(history)),
      options_(std::move(options)),
      retry_timer_(context.io),
      remedy_timer_(context.io) {
  state_ = replay(records_);
  if (options_.boot_id.empty()) options_.boot_id = current_boot_id();
  if (options_.host_name.empty()) options_.host_name = this_host_name();
  for (const auto& [nodes, who] : state_.exclusions)
    excluded_.update(NodeSet::parse(ctx_.site.with_self_named(nodes), &ctx_.groups));
  // Groups imported from an earlier run (--from-run), then node sets saved
  // by save_group steps of earlier processes.
  for (const auto& [name, nodes] : state_.imported_groups) saved_groups_[name] = nodes;
  for (const auto& phase : ctx_.book.phases) {
    for (std::size_t i = 0; i < phase.steps.size(); ++i) {
      if (phase.steps[i].kind != StepKind::kSaveGroup) continue;
      const auto detail = state_.step_details[phase.name][static_cast<int>(i) + 1];
      const auto eq = detail.find('=');
      if (step_state(phase.name, static_cast<int>(i) + 1) == StepState::kFinished &&
          eq != std::string::npos) {
        const auto end = detail.find(' ', eq);
        saved_groups_[phase.steps[i].group] =
            detail.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
      }
    }
  }
  install_saved_groups();
}

Executor::Impl::~Impl() {
  *alive_ = false;
  retry_timer_.cancel();
  remedy_timer_.cancel();
}

void Executor::Impl::start(std::function<void(RunOutcome)> done) {
  done_ = std::move(done);
  // A process killed while its gate waited left the gate's status behind.
  if (!options_.dry_run) remove_run_gate_status(journal_.path().parent_path());
  if (state_.finished) return finish(RunOutcome::kFinished);
  if (state_.aborted) return finish(RunOutcome::kAborted);
  if (records_.empty()) {
    append(JournalEvent::kRunStarted, "", "", ctx_.book.name);
    // What the run follows, fingerprinted: resume refuses an outline
    // whose bytes changed since.
    if (!options_.dry_run) {
      if (const auto print = outline_fingerprint(journal_.path().parent_path()))
        append(JournalEvent::kRunOutline, "", "outline", *print);
    }
    if (!options_.from_phase.empty()) skip_phases_before(options_.from_phase);
  } else {
    append(JournalEvent::kRunResumed, "", "", fmt::format("resumed by process {}", ::getpid()));
  }
  record_run_options();
  advance();
}

void Executor::Impl::record_run_options() {
  if (!options_.import_groups.empty() && state_.imported_groups.empty()) {
    for (const auto& [name, nodes] : options_.import_groups) {
      append(JournalEvent::kRunGroupImported, "", name,
             fmt::format("{} from run {}", nodes, options_.import_from));
      saved_groups_[name] = nodes;
      report(fmt::format("@run:{} = {} (saved by run {})", name, nodes.empty() ? "(empty)" : nodes,
                         options_.import_from));
    }
    install_saved_groups();
  }
  if (options_.exclude.empty()) return;
  const NodeSet more = NodeSet::parse(ctx_.site.with_self_named(options_.exclude), &ctx_.groups);
  if (more.empty()) return;
  const std::string who = options_.excluded_by.empty() ? "unknown" : options_.excluded_by;
  append(JournalEvent::kNodesExcluded, "", more.fold(), "by " + who);
  excluded_.update(more);
  report(fmt::format("excluded from every step and gate of this run: {} (now {}), by {}",
                     more.fold(), excluded_.fold(), who));
}

void Executor::Impl::append(JournalEvent event, const std::string& phase, const std::string& step,
                            const std::string& detail) {
  records_.push_back(journal_.append(event, phase, step, detail));
  if (is_action(event)) last_action_at_ = std::chrono::system_clock::now();
  state_ = replay(records_);
}

void Executor::Impl::append_step(JournalEvent event, const Phase& phase, int number,
                                 const std::string& detail) {
  append(event, phase.name, std::to_string(number), detail);
}

StepState Executor::Impl::step_state(const std::string& phase, int number) const {
  auto p = state_.steps.find(phase);
  if (p == state_.steps.end()) return StepState::kNotStarted;
  auto s = p->second.find(number);
  return s == p->second.end() ? StepState::kNotStarted : s->second;
}

bool Executor::Impl::phase_done(const std::string& phase) const {
  return std::find(state_.finished_phases.begin(), state_.finished_phases.end(), phase) !=
         state_.finished_phases.end();
}

std::optional<std::string> Executor::Impl::self_poweroff_record(const std::string& phase,
                                                                int number) const {
  const std::string step = std::to_string(number);
  for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
    if (r->phase != phase || r->step != step) continue;
    if (r->event == JournalEvent::kSelfPoweroff) return r->detail;
    if (r->event == JournalEvent::kStepStarted) return std::nullopt;
  }
  return std::nullopt;
}

bool Executor::Impl::gate_passed(const std::string& phase, const std::string& gate) const {
  auto it = state_.passed_gates.find(phase);
  return it != state_.passed_gates.end() &&
         std::find(it->second.begin(), it->second.end(), gate) != it->second.end();
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
    append(JournalEvent::kPhaseSkipped, p->name, "", fmt::format("--from {}", from));
}

void Executor::Impl::advance() {
  asio::post(ctx_.io, [this, alive = alive_] {
    if (*alive && !finished_) next();
  });
}

void Executor::Impl::next() {
  const auto& phases = ctx_.book.phases;
  if (phase_ >= phases.size()) {
    append(JournalEvent::kRunFinished, "", "", "");
    report(fmt::format("run {} finished: {} phase{}", run_id_, phases.size(),
                       phases.size() == 1 ? "" : "s"));
    return finish(RunOutcome::kFinished);
  }
  const Phase& phase = phases[phase_];
  if (phase_done(phase.name)) return next_phase();
  if (!phase_open_) {
    phase_open_ = true;
    phase_started_[phase.name] = Clock::now();
    if (state_.current_phase != phase.name) append(JournalEvent::kPhaseStarted, phase.name, "", "");
    const std::string next_name = phase_ + 1 < phases.size() ? phases[phase_ + 1].name : "(end)";
    report(fmt::format("[{}/{}] phase {}{}   (next: {})", phase_ + 1, phases.size(), phase.name,
                       phase.title.empty() ? "" : ": " + phase.title, next_name));
  }
  switch (stage_) {
    case Stage::kRequire:
      if (item_ < phase.require.size()) return wait_gate(phase, phase.require[item_]);
      stage_ = Stage::kSteps;
      item_ = 0;
      return next();
    case Stage::kSteps:
      if (item_ < phase.steps.size()) return step(phase, static_cast<int>(item_) + 1);
      stage_ = Stage::kWaitFor;
      item_ = 0;
      if (!phase.steps.empty()) warm_next_gates();
      return next();
    case Stage::kWaitFor:
      if (item_ < phase.wait_for.size()) return wait_gate(phase, phase.wait_for[item_]);
      stage_ = Stage::kDone;
      return next();
    case Stage::kDone:
      append(JournalEvent::kPhaseFinished, phase.name, "", "");
      phase_finished_[phase.name] = Clock::now();
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
  retry_timer_.cancel();
  disarm_remedy();
  if (gate_wait_) gate_wait_->cancel();
  gate_status_.reset();
  gate_.clear();
  if (done_) done_(outcome);
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
