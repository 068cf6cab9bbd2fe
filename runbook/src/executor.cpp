#include "greenlight/runbook/executor.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"
#include "job_window.h"
#include "step_commands.h"

namespace greenlight::runbook {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

void Operator::report(const std::string&) {}

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
  }
  return "?";
}

const char* to_string(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kFinished:
      return "finished";
    case RunOutcome::kPaused:
      return "paused";
    case RunOutcome::kAborted:
      return "aborted";
    case RunOutcome::kPoweredOff:
      return "powered off";
  }
  return "?";
}

namespace {

enum class Stage { kRequire, kSteps, kWaitFor, kDone };

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

std::string describe_step(const Step& step) {
  switch (step.kind) {
    case StepKind::kRun:
      return fmt::format("run on {}{}: {}", step.nodes,
                         step.exclude.empty() ? "" : " except " + step.exclude,
                         step.command ? step.command->text() : "");
    case StepKind::kPower:
      return fmt::format("power {} {}{}", step.power_action, step.nodes,
                         step.exclude.empty() ? "" : " except " + step.exclude);
    case StepKind::kConfirm:
      return "confirm: " + step.text;
    case StepKind::kManual:
      return "manual: " + step.text;
    case StepKind::kSaveGroup:
      return fmt::format("save {} as @run:{}", step.nodes, step.group);
    case StepKind::kSelfPoweroff:
      return "self_poweroff: " + (step.command ? step.command->text() : std::string());
  }
  return "?";
}

// "failed on NODESET (...)" as journaled by a step that failed on nodes.
std::string failed_nodes_of(const std::string& detail) {
  constexpr std::string_view kPrefix = "failed on ";
  if (detail.compare(0, kPrefix.size(), kPrefix) != 0) return {};
  const auto end = detail.find(" (", kPrefix.size());
  return end == std::string::npos ? std::string()
                                  : detail.substr(kPrefix.size(), end - kPrefix.size());
}

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id.empty() ? "unknown" : id;
}

// "boot ID: command" as journaled by self_poweroff.
std::string boot_of(const std::string& detail) {
  if (detail.compare(0, 5, "boot ") != 0) return {};
  const auto colon = detail.find(':', 5);
  return colon == std::string::npos ? std::string() : detail.substr(5, colon - 5);
}

}  // namespace

class Executor::Impl {
 public:
  Impl(Context context, std::string run_id, Journal journal, std::vector<JournalRecord> history,
       ExecutorOptions options)
      : ctx_(context),
        run_id_(std::move(run_id)),
        journal_(std::move(journal)),
        records_(std::move(history)),
        options_(std::move(options)),
        retry_timer_(context.io) {
    state_ = replay(records_);
    if (options_.boot_id.empty()) options_.boot_id = current_boot_id();
    // Node sets saved by save_group steps of earlier processes.
    for (const auto& phase : ctx_.book.phases) {
      for (std::size_t i = 0; i < phase.steps.size(); ++i) {
        if (phase.steps[i].kind != StepKind::kSaveGroup) continue;
        const auto detail = state_.step_details[phase.name][static_cast<int>(i) + 1];
        const auto eq = detail.find('=');
        if (step_state(phase.name, static_cast<int>(i) + 1) == StepState::kFinished &&
            eq != std::string::npos) {
          saved_groups_[phase.steps[i].group] = detail.substr(eq + 1);
        }
      }
    }
    install_saved_groups();
  }

  ~Impl() {
    *alive_ = false;
    retry_timer_.cancel();
  }

  void start(std::function<void(RunOutcome)> done) {
    done_ = std::move(done);
    if (state_.finished) return finish(RunOutcome::kFinished);
    if (state_.aborted) return finish(RunOutcome::kAborted);
    if (records_.empty()) {
      append(JournalEvent::kRunStarted, "", "", ctx_.book.name);
      if (!options_.from_phase.empty()) skip_phases_before(options_.from_phase);
    } else {
      append(JournalEvent::kRunResumed, "", "", fmt::format("resumed by process {}", ::getpid()));
    }
    advance();
  }

  RunSnapshot snapshot() const;

 private:
  // ---- journal ----------------------------------------------------------
  void append(JournalEvent event, const std::string& phase, const std::string& step,
              const std::string& detail) {
    records_.push_back(journal_.append(event, phase, step, detail));
    state_ = replay(records_);
  }
  void append_step(JournalEvent event, const Phase& phase, int number, const std::string& detail) {
    append(event, phase.name, std::to_string(number), detail);
  }

  StepState step_state(const std::string& phase, int number) const {
    auto p = state_.steps.find(phase);
    if (p == state_.steps.end()) return StepState::kNotStarted;
    auto s = p->second.find(number);
    return s == p->second.end() ? StepState::kNotStarted : s->second;
  }

  bool phase_done(const std::string& phase) const {
    return std::find(state_.finished_phases.begin(), state_.finished_phases.end(), phase) !=
           state_.finished_phases.end();
  }

  // The detail of the self-poweroff record written after the step's last
  // start, if any: then the command may have run.
  std::optional<std::string> self_poweroff_record(const std::string& phase, int number) const {
    const std::string step = std::to_string(number);
    for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
      if (r->phase != phase || r->step != step) continue;
      if (r->event == JournalEvent::kSelfPoweroff) return r->detail;
      if (r->event == JournalEvent::kStepStarted) return std::nullopt;
    }
    return std::nullopt;
  }

  bool gate_passed(const std::string& phase, const std::string& gate) const {
    auto it = state_.passed_gates.find(phase);
    return it != state_.passed_gates.end() &&
           std::find(it->second.begin(), it->second.end(), gate) != it->second.end();
  }

  void skip_phases_before(const std::string& from) {
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

  // ---- driving ------------------------------------------------------------
  void advance() {
    asio::post(ctx_.io, [this, alive = alive_] {
      if (*alive && !finished_) next();
    });
  }

  void report(const std::string& line) { ctx_.person.report(line); }

  void next() {
    const auto& phases = ctx_.book.phases;
    if (phase_ >= phases.size()) {
      append(JournalEvent::kRunFinished, "", "", "");
      report(fmt::format("run {} finished: {} phases", run_id_, phases.size()));
      return finish(RunOutcome::kFinished);
    }
    const Phase& phase = phases[phase_];
    if (phase_done(phase.name)) return next_phase();
    if (!phase_open_) {
      phase_open_ = true;
      phase_started_[phase.name] = Clock::now();
      if (state_.current_phase != phase.name)
        append(JournalEvent::kPhaseStarted, phase.name, "", "");
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

  void next_phase() {
    ++phase_;
    stage_ = Stage::kRequire;
    item_ = 0;
    phase_open_ = false;
    advance();
  }

  void next_item() {
    ++item_;
    advance();
  }

  void finish(RunOutcome outcome) {
    if (finished_) return;
    finished_ = true;
    outcome_ = outcome;
    retry_timer_.cancel();
    if (gate_wait_) gate_wait_->cancel();
    gate_.clear();
    if (done_) done_(outcome);
  }

  // ---- gates --------------------------------------------------------------
  void wait_gate(const Phase& phase, const std::string& name) {
    if (gate_passed(phase.name, name)) return next_item();
    const Gate* gate = ctx_.book.gate(name);
    if (options_.dry_run) {
      std::string checks;
      if (gate != nullptr) {
        for (const auto& c : gate->checks)
          checks += (checks.empty() ? "" : ", ") + gate_check_key(c);
      }
      report(fmt::format("  gate {}: would wait for {}", name, checks));
      append(JournalEvent::kGateGreen, phase.name, name, "dry run");
      return next_item();
    }
    append(JournalEvent::kGateWaiting, phase.name, name, "");
    gate_ = name;
    gate_started_ = Clock::now();
    gate_wait_ = std::make_unique<GateWait>(ctx_.io, ctx_.results, *gate, options_.gate);
    report(fmt::format("  waiting for gate {}: {} (timeout {}s{})", name, gate->description,
                       gate->timeout.count() / 1000,
                       gate->stable_for.count() > 0
                           ? fmt::format(", green for {}s", gate->stable_for.count() / 1000)
                           : std::string()));
    try {
      gate_wait_->start(
          [this, &phase, gate](GateOutcome outcome, const GateStatus& status) {
            gate_done(phase, *gate, outcome, status);
          },
          [this](const GateStatus& status) {
            if (!status.green)
              report(fmt::format("    red after {}s: {}", status.waited.count() / 1000,
                                 status.why_red()));
          });
    } catch (const std::exception& error) {
      GateStatus status;
      status.gate = name;
      gate_timed_out(phase, *gate, status, error.what());
    }
  }

  void gate_done(const Phase& phase, const Gate& gate, GateOutcome outcome,
                 const GateStatus& status) {
    last_gate_status_ = status;
    if (outcome == GateOutcome::kCancelled) return;
    if (outcome == GateOutcome::kGreen) {
      gate_.clear();
      append(JournalEvent::kGateGreen, phase.name, gate.name,
             fmt::format("green after {:.1f}s", static_cast<double>(status.waited.count()) / 1000));
      report(fmt::format("  gate {} green after {:.1f}s", gate.name,
                         static_cast<double>(status.waited.count()) / 1000));
      return next_item();
    }
    gate_timed_out(phase, gate, status, status.why_red());
  }

  void gate_timed_out(const Phase& phase, const Gate& gate, const GateStatus& status,
                      const std::string& why) {
    last_gate_status_ = status;
    append(JournalEvent::kGateTimedOut, phase.name, gate.name, why);
    Pause pause;
    pause.cause = Pause::Cause::kGateTimedOut;
    pause.phase = phase.name;
    pause.gate = gate.name;
    pause.explanation = fmt::format("gate {} ({}) is not green after {}s: {}", gate.name,
                                    gate.description, status.waited.count() / 1000, why);
    if (!gate.on_timeout.empty()) pause.explanation += "\nInvestigate: " + gate.on_timeout;
    pause.choices = {Decision::Kind::kRetry, Decision::Kind::kSkip, Decision::Kind::kAbort};
    ask(pause, [this, &phase, &gate](const Decision& decision) {
      gate_.clear();
      if (decision.kind == Decision::Kind::kSkip) {
        append(JournalEvent::kGateSkipped, phase.name, gate.name, decision.reason);
        return next_item();
      }
      advance();  // wait again
    });
  }

  // ---- pauses -------------------------------------------------------------
  void ask(const Pause& pause, std::function<void(const Decision&)> go_on) {
    append(JournalEvent::kRunPaused, pause.phase,
           pause.step > 0 ? std::to_string(pause.step) : pause.gate, pause.explanation);
    report("PAUSED: " + pause.explanation);
    if (options_.dry_run) {
      append(JournalEvent::kRunAborted, pause.phase, "", "dry run: nothing to decide");
      return finish(RunOutcome::kAborted);
    }
    waiting_for_operator_ = true;
    ctx_.person.decide(pause, [this, alive = alive_, pause,
                               go_on = std::move(go_on)](Decision decision) {
      if (!*alive || finished_) return;
      waiting_for_operator_ = false;
      const std::string step = pause.step > 0 ? std::to_string(pause.step) : pause.gate;
      switch (decision.kind) {
        case Decision::Kind::kAbort:
          append(JournalEvent::kRunAborted, pause.phase, step,
                 decision.reason.empty() ? "aborted by the operator" : decision.reason);
          report("run aborted");
          return finish(RunOutcome::kAborted);
        case Decision::Kind::kLeavePaused:
          report(fmt::format("run {} left paused: greenlight runbook resume {}", run_id_, run_id_));
          return finish(RunOutcome::kPaused);
        default:
          if (decision.kind == Decision::Kind::kSkip && decision.reason.empty())
            decision.reason = "skipped by the operator";
          append(JournalEvent::kRunResumed, pause.phase, step, to_string(decision.kind));
          go_on(decision);
      }
    });
  }

  void leave_paused(const Phase& phase, int number, const std::string& why) {
    append_step(JournalEvent::kRunPaused, phase, number, why);
    report(fmt::format("run {} paused: {}; continue with: greenlight runbook resume {}", run_id_,
                       why, run_id_));
    finish(RunOutcome::kPaused);
  }

  // ---- steps --------------------------------------------------------------
  void step(const Phase& phase, int number) {
    const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
    switch (step_state(phase.name, number)) {
      case StepState::kFinished:
      case StepState::kSkipped:
        return next_item();
      case StepState::kFailed: {
        // A failure left paused by an earlier process: ask again.
        const auto detail = state_.step_details[phase.name][number];
        return step_failed_pause(phase, number, detail, failed_nodes_of(detail));
      }
      case StepState::kStarted:
        return interrupted(phase, number, s);
      case StepState::kNotStarted:
        return execute(phase, number, std::nullopt);
    }
  }

  void interrupted(const Phase& phase, int number, const Step& s) {
    const auto poweroff =
        s.kind == StepKind::kSelfPoweroff ? self_poweroff_record(phase.name, number) : std::nullopt;
    if (s.kind == StepKind::kSelfPoweroff && !poweroff) {
      // The command runs only after its self-poweroff record: it never ran.
      return execute(phase, number, std::nullopt);
    }
    if (poweroff && boot_of(*poweroff) != options_.boot_id) {
      append_step(JournalEvent::kStepFinished, phase, number, "the host came back up");
      report(fmt::format("  step {}: this host powered off and came back up", number));
      return next_item();
    }
    if (harmless_to_repeat(s)) {
      report(
          fmt::format("  step {} was interrupted; it is safe to repeat: running it again", number));
      return execute(phase, number, std::nullopt);
    }
    Pause pause;
    pause.cause = Pause::Cause::kStepInterrupted;
    pause.phase = phase.name;
    pause.step = number;
    pause.explanation = fmt::format(
        "step {} of phase {} ({}) was started but never recorded as finished: greenlight "
        "stopped while it ran (crash, kill or reboot). It may or may not have taken effect. "
        "Check, then retry (run it again) or skip (it did its work).",
        number, phase.name, describe_step(s));
    if (s.kind == StepKind::kSelfPoweroff) {
      pause.explanation = fmt::format(
          "step {} of phase {} ({}) should have powered this host off, but the host has not "
          "rebooted since (same boot id {}). Retry runs the command again; skip goes on as if "
          "the host had come back up.",
          number, phase.name, describe_step(s), options_.boot_id);
    }
    pause.choices = {Decision::Kind::kRetry, Decision::Kind::kSkip, Decision::Kind::kAbort};
    ask(pause, [this, &phase, number](const Decision& decision) {
      if (decision.kind == Decision::Kind::kSkip) {
        append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
        return next_item();
      }
      execute(phase, number, std::nullopt);
    });
  }

  void execute(const Phase& phase, int number, std::optional<std::string> only_nodes) {
    const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
    if (changes_cluster(s) && !options_.assume_yes && !options_.dry_run &&
        !cluster_change_approved_) {
      waiting_for_operator_ = true;
      ctx_.person.confirm(
          fmt::format(
              "Step {} of phase {} changes the cluster: {}\nStart it (and the steps after it)?",
              number, phase.name, describe_step(s)),
          [this, alive = alive_, &phase, number, only_nodes](bool yes) {
            if (!*alive || finished_) return;
            waiting_for_operator_ = false;
            if (!yes)
              return leave_paused(phase, number, "the operator did not approve the first change");
            cluster_change_approved_ = true;
            execute(phase, number, only_nodes);
          });
      return;
    }
    step_started_[{phase.name, number}] = Clock::now();
    switch (s.kind) {
      case StepKind::kConfirm:
      case StepKind::kManual:
        return ask_operator(phase, number, s);
      case StepKind::kSaveGroup:
        return save_group(phase, number, s);
      case StepKind::kRun:
      case StepKind::kPower:
        return run_on_nodes(phase, number, s, only_nodes);
      case StepKind::kSelfPoweroff:
        return self_poweroff(phase, number, s);
    }
  }

  void step_done(const Phase& phase, int number, const std::string& summary) {
    step_durations_[{phase.name, number}] = std::chrono::duration_cast<milliseconds>(
        Clock::now() - step_started_[{phase.name, number}]);
    append_step(JournalEvent::kStepFinished, phase, number, summary);
    report(fmt::format("  step {} done: {}", number, summary));
    next_item();
  }

  void ask_operator(const Phase& phase, int number, const Step& s) {
    append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    if (options_.dry_run) return step_done(phase, number, "dry run: would ask: " + s.text);
    auto answer = [this, alive = alive_, &phase, number, &s](bool yes) {
      if (!*alive || finished_) return;
      waiting_for_operator_ = false;
      if (!yes) {
        return leave_paused(phase, number,
                            s.kind == StepKind::kConfirm ? "the operator did not confirm"
                                                         : "the manual step is not done");
      }
      step_done(phase, number,
                s.kind == StepKind::kConfirm ? "confirmed" : "done, says the operator");
    };
    waiting_for_operator_ = true;
    if (s.kind == StepKind::kConfirm) {
      ctx_.person.confirm(s.text, answer);
    } else {
      ctx_.person.acknowledge(s.text, answer);
    }
  }

  void save_group(const Phase& phase, int number, const Step& s) {
    append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    try {
      const std::string nodes = detail::step_nodes(s, ctx_.site, ctx_.groups).fold();
      saved_groups_[s.group] = nodes;
      install_saved_groups();
      step_done(phase, number, fmt::format("@run:{}={}", s.group, nodes));
    } catch (const std::exception& error) {
      if (options_.dry_run)
        return step_done(phase, number, fmt::format("dry run: {} resolved at run time", s.nodes));
      step_failed(phase, number, error.what(), "");
    }
  }

  void install_saved_groups() {
    std::map<std::string, std::string, std::less<>> groups(saved_groups_.begin(),
                                                           saved_groups_.end());
    ctx_.groups.add_source("run", std::make_shared<StaticGroupSource>(std::move(groups)));
  }

  Endpoint self_endpoint() const {
    Endpoint endpoint = ctx_.endpoint_for(detail::self_name(ctx_.site));
    endpoint.local = true;
    return endpoint;
  }

  void run_on_nodes(const Phase& phase, int number, const Step& s,
                    const std::optional<std::string>& only_nodes) {
    std::vector<detail::Job> jobs;
    try {
      NodeSet nodes = only_nodes ? NodeSet::parse(*only_nodes, &ctx_.groups)
                                 : detail::step_nodes(s, ctx_.site, ctx_.groups);
      milliseconds timeout = s.timeout;
      if (s.kind == StepKind::kRun) {
        const RenderedCommand rendered = s.command->render(ctx_.groups);
        if (timeout.count() == 0) timeout = ctx_.site.ssh.command_timeout;
        if (rendered.has_empty_expansion || nodes.size() == 0) {
          append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
          return step_done(phase, number, "nothing to do: a node set is empty");
        }
        Command command = Command::shell(rendered.text);
        command.timeout = timeout;
        for (const auto& node : nodes.expand())
          jobs.push_back({node, ctx_.endpoint_for(node), command});
      } else {
        if (timeout.count() == 0) timeout = ctx_.site.power.timeout;
        for (const auto& node : nodes.expand()) {
          Command command = Command::shell(detail::power_command(ctx_.site, node, s.power_action));
          command.timeout = timeout;
          jobs.push_back({node, self_endpoint(), command});
        }
      }
    } catch (const std::exception& error) {
      append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
      if (options_.dry_run) {
        report(fmt::format("  step {}: would {} (node sets resolved at run time)", number,
                           describe_step(s)));
        return step_done(phase, number, "dry run: resolved at run time");
      }
      return step_failed(phase, number, error.what(), "");
    }
    append_step(JournalEvent::kStepStarted, phase, number,
                fmt::format("{} on {} node{}{}", describe_step(s), jobs.size(),
                            jobs.size() == 1 ? "" : "s", only_nodes ? " (failed nodes only)" : ""));
    report(fmt::format("  step {}: {} ({} node{})", number,
                       s.kind == StepKind::kRun
                           ? jobs.front().command.text()
                           : fmt::format("{}: {}{}", describe_step(s), jobs.front().command.text(),
                                         jobs.size() > 1 ? " ..." : ""),
                       jobs.size(), jobs.size() == 1 ? "" : "s"));
    auto attempt = std::make_shared<Attempt>();
    attempt->retries_left = s.retries;
    for (const auto& job : jobs) attempt->order.push_back(job.node);
    attempt->jobs = std::move(jobs);
    launch(phase, number, s, attempt, attempt->jobs);
  }

  struct Attempt {
    std::vector<detail::Job> jobs;
    std::vector<std::string> order;
    std::map<std::string, RunResult> latest;
    int retries_left = 0;
  };

  void launch(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt,
              std::vector<detail::Job> jobs) {
    const int fanout = s.fanout > 0 ? s.fanout : ctx_.site.ssh.fanout;
    detail::run_jobs(
        ctx_.runner, std::move(jobs), fanout,
        [this, alive = alive_, &phase, number, &s, attempt](std::vector<RunResult> results) {
          if (!*alive || finished_) return;
          for (auto& result : results) attempt->latest[result.node] = std::move(result);
          attempted(phase, number, s, attempt);
        });
  }

  void attempted(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt) {
    std::vector<detail::Job> again;
    for (const auto& job : attempt->jobs) {
      if (!detail::succeeded(attempt->latest[job.node], s.allowed_exit_codes)) again.push_back(job);
    }
    if (static_cast<int>(again.size()) > s.max_failed_nodes && attempt->retries_left > 0) {
      --attempt->retries_left;
      std::vector<RunResult> failed;
      for (const auto& job : again) failed.push_back(attempt->latest[job.node]);
      report(fmt::format("  step {}: {} failed ({}); retrying them in {}s ({} retr{} left)", number,
                         detail::fold_nodes(failed), detail::failure_summary(failed),
                         s.retry_delay.count() / 1000, attempt->retries_left,
                         attempt->retries_left == 1 ? "y" : "ies"));
      retry_timer_.expires_after(s.retry_delay);
      retry_timer_.async_wait([this, alive = alive_, &phase, number, &s, attempt,
                               again](const boost::system::error_code& ec) {
        if (ec || !*alive || finished_) return;
        launch(phase, number, s, attempt, again);
      });
      return;
    }
    std::vector<RunResult> all, failed;
    for (const auto& node : attempt->order) {
      all.push_back(attempt->latest[node]);
      if (!detail::succeeded(all.back(), s.allowed_exit_codes)) failed.push_back(all.back());
    }
    for (const auto& line : detail::folded_results(all)) report(line);
    if (static_cast<int>(failed.size()) > s.max_failed_nodes) {
      const std::string nodes = detail::fold_nodes(failed);
      return step_failed(phase, number,
                         fmt::format("failed on {} ({})", nodes, detail::failure_summary(failed)),
                         nodes);
    }
    std::string summary = fmt::format("ok on {} node{}", all.size() - failed.size(),
                                      all.size() - failed.size() == 1 ? "" : "s");
    if (!failed.empty()) {
      summary += fmt::format(", {} failed within the budget of {} ({})", failed.size(),
                             s.max_failed_nodes, detail::failure_summary(failed));
    }
    step_done(phase, number, summary);
  }

  void step_failed(const Phase& phase, int number, const std::string& reason,
                   const std::string& failed_nodes) {
    step_durations_[{phase.name, number}] = std::chrono::duration_cast<milliseconds>(
        Clock::now() - step_started_[{phase.name, number}]);
    append_step(JournalEvent::kStepFailed, phase, number, reason);
    step_failed_pause(phase, number, reason, failed_nodes);
  }

  void step_failed_pause(const Phase& phase, int number, const std::string& reason,
                         const std::string& failed_nodes) {
    const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
    Pause pause;
    pause.cause = Pause::Cause::kStepFailed;
    pause.phase = phase.name;
    pause.step = number;
    pause.explanation = fmt::format("step {} of phase {} failed ({}): {}", number, phase.name,
                                    describe_step(s), reason);
    pause.failed_nodes = failed_nodes;
    pause.choices = {Decision::Kind::kRetry};
    if (!failed_nodes.empty()) pause.choices.push_back(Decision::Kind::kRetryFailedNodes);
    pause.choices.push_back(Decision::Kind::kSkip);
    pause.choices.push_back(Decision::Kind::kAbort);
    ask(pause, [this, &phase, number, failed_nodes](const Decision& decision) {
      if (decision.kind == Decision::Kind::kSkip) {
        append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
        return next_item();
      }
      if (decision.kind == Decision::Kind::kRetryFailedNodes && !failed_nodes.empty())
        return execute(phase, number, failed_nodes);
      execute(phase, number, std::nullopt);
    });
  }

  void self_poweroff(const Phase& phase, int number, const Step& s) {
    std::string text;
    try {
      text = s.command->render(ctx_.groups).text;
    } catch (const std::exception& error) {
      append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
      return step_failed(phase, number, error.what(), "");
    }
    append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    // Recorded before the command: the process may not live to record more.
    append_step(JournalEvent::kSelfPoweroff, phase, number,
                fmt::format("boot {}: {}", options_.boot_id, text));
    report(fmt::format(
        "  step {}: this host powers off now ({}); after it boots: greenlight runbook resume {}",
        number, text, run_id_));
    Command command = Command::shell(text);
    command.timeout = s.timeout.count() > 0 ? s.timeout : ctx_.site.ssh.command_timeout;
    ctx_.runner.run(
        self_endpoint(), command, [this, alive = alive_, &phase, number, &s](RunResult result) {
          if (!*alive || finished_) return;
          if (!detail::succeeded(result, s.allowed_exit_codes)) {
            return step_failed(phase, number,
                               fmt::format("failed on {} ({})", result.node, result.reason), "");
          }
          if (options_.dry_run)
            return step_done(phase, number, "dry run: the host would power off here");
          report(fmt::format("run {} is waiting for this host to come back up", run_id_));
          finish(RunOutcome::kPoweredOff);
        });
  }

  Context ctx_;
  std::string run_id_;
  Journal journal_;
  std::vector<JournalRecord> records_;
  RunState state_;
  ExecutorOptions options_;
  std::function<void(RunOutcome)> done_;

  std::size_t phase_ = 0;
  Stage stage_ = Stage::kRequire;
  std::size_t item_ = 0;
  bool phase_open_ = false;
  bool finished_ = false;
  bool cluster_change_approved_ = false;
  bool waiting_for_operator_ = false;
  RunOutcome outcome_ = RunOutcome::kPaused;

  std::unique_ptr<GateWait> gate_wait_;
  std::string gate_;
  Clock::time_point gate_started_{};
  GateStatus last_gate_status_;
  asio::steady_timer retry_timer_;
  std::map<std::string, std::string> saved_groups_;
  std::map<std::string, Clock::time_point> phase_started_, phase_finished_;
  std::map<std::pair<std::string, int>, Clock::time_point> step_started_;
  std::map<std::pair<std::string, int>, milliseconds> step_durations_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  friend class Executor;
};

RunSnapshot Executor::Impl::snapshot() const {
  RunSnapshot out;
  out.run = run_id_;
  out.runbook = ctx_.book.name;
  const auto now = Clock::now();
  if (finished_) {
    out.state = outcome_ == RunOutcome::kFinished     ? RunSnapshot::State::kFinished
                : outcome_ == RunOutcome::kAborted    ? RunSnapshot::State::kAborted
                : outcome_ == RunOutcome::kPoweredOff ? RunSnapshot::State::kPoweredOff
                                                      : RunSnapshot::State::kPaused;
  } else if (waiting_for_operator_) {
    out.state = RunSnapshot::State::kWaitingForOperator;
  } else if (!gate_.empty()) {
    out.state = RunSnapshot::State::kWaitingForGate;
  }
  std::vector<std::string> skipped;
  for (const auto& record : records_) {
    if (record.event == JournalEvent::kPhaseSkipped) skipped.push_back(record.phase);
  }
  for (const auto& phase : ctx_.book.phases) {
    RunSnapshot::PhaseView view{phase.name, phase.title, PhaseState::kPending, milliseconds(0)};
    if (std::find(skipped.begin(), skipped.end(), phase.name) != skipped.end()) {
      view.state = PhaseState::kSkipped;
    } else if (phase_done(phase.name)) {
      view.state = PhaseState::kDone;
    } else if (state_.current_phase == phase.name) {
      view.state = PhaseState::kRunning;
    }
    if (auto s = phase_started_.find(phase.name); s != phase_started_.end()) {
      auto f = phase_finished_.find(phase.name);
      view.duration = std::chrono::duration_cast<milliseconds>(
          (f != phase_finished_.end() ? f->second : now) - s->second);
    }
    out.phases.push_back(view);
    for (std::size_t i = 0; i < phase.steps.size(); ++i) {
      const int number = static_cast<int>(i) + 1;
      RunSnapshot::StepView step{phase.name,          number,
                                 phase.steps[i].kind, step_state(phase.name, number),
                                 milliseconds(0),     {}};
      if (auto d = step_durations_.find({phase.name, number}); d != step_durations_.end()) {
        step.duration = d->second;
      } else if (auto s = step_started_.find({phase.name, number}); s != step_started_.end()) {
        step.duration = std::chrono::duration_cast<milliseconds>(now - s->second);
      }
      if (auto p = state_.step_details.find(phase.name); p != state_.step_details.end()) {
        if (auto d = p->second.find(number); d != p->second.end()) step.detail = d->second;
      }
      out.steps.push_back(step);
    }
  }
  if (!gate_.empty()) {
    out.gate = gate_;
    out.gate_status = gate_wait_ ? gate_wait_->status() : last_gate_status_;
    out.gate_waited = std::chrono::duration_cast<milliseconds>(now - gate_started_);
  }
  if (state_.paused) out.pause_reason = state_.pause_reason;
  return out;
}

Executor::Executor(Context context, std::string run_id, Journal journal,
                   std::vector<JournalRecord> history, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(context, std::move(run_id), std::move(journal),
                                   std::move(history), std::move(options))) {}

Executor::~Executor() = default;

void Executor::start(std::function<void(RunOutcome)> done) { impl_->start(std::move(done)); }

RunSnapshot Executor::snapshot() const { return impl_->snapshot(); }

const char* to_string(PhaseState state) {
  switch (state) {
    case PhaseState::kPending:
      return "pending";
    case PhaseState::kRunning:
      return "running";
    case PhaseState::kDone:
      return "done";
    case PhaseState::kSkipped:
      return "skipped";
  }
  return "?";
}

const char* to_string(RunSnapshot::State state) {
  switch (state) {
    case RunSnapshot::State::kRunning:
      return "running";
    case RunSnapshot::State::kWaitingForGate:
      return "waiting for a gate";
    case RunSnapshot::State::kWaitingForOperator:
      return "waiting for the operator";
    case RunSnapshot::State::kPaused:
      return "paused";
    case RunSnapshot::State::kFinished:
      return "finished";
    case RunSnapshot::State::kAborted:
      return "aborted";
    case RunSnapshot::State::kPoweredOff:
      return "powered off";
  }
  return "?";
}

}  // namespace greenlight::runbook
