// Waiting on gates, and pausing with the operator's choices.
#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <utility>

#include "executor_impl.h"

namespace greenlight::runbook {

bool is_action(JournalEvent event) {
  switch (event) {
    case JournalEvent::kPhaseStarted:
    case JournalEvent::kPhaseFinished:
    case JournalEvent::kGateWaiting:
    case JournalEvent::kGateGreen:
    case JournalEvent::kNotified:  // a notification says nothing of the cluster
    case JournalEvent::kRunOutline:
    case JournalEvent::kApprovalAsked:  // a question, not a change
    case JournalEvent::kChangeApproved:
      return false;
    default:
      return true;
  }
}

namespace {

/// The instant of the run's last action in `records` (is_action).
std::optional<std::chrono::system_clock::time_point> last_action(
    const std::vector<JournalRecord>& records) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (!is_action(it->event)) continue;
    // A record's time is cut to the millisecond: the action may have ended
    // up to 1 ms after it. Evidence counts from the end of that
    // millisecond, so no result taken while the step ran is counted.
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(it->unix_ms + 1));
  }
  return std::nullopt;
}

}  // namespace

void Executor::Impl::wait_gate(const Phase& phase, const std::string& name, bool after_remedy) {
  if (gate_passed(phase.name, name)) return next_item();
  const Gate* gate = ctx_.book.gate(name);
  if (options_.dry_run) {
    // The checks as this run would wait on them: its exclusions and the
    // dynamic groups of now in their node sets, as plan shows them.
    std::string checks;
    if (gate != nullptr) {
      try {
        refresh_groups();
        for (const auto& c : resolved_gate(*gate).checks)
          checks += (checks.empty() ? "" : ", ") + gate_check_key(c);
      } catch (const std::exception& error) {
        checks = fmt::format("its checks, but their node sets do not resolve now: {}",
                             error.what());
      }
    }
    report(fmt::format("  gate {}: would wait for {}", name, checks));
    append(JournalEvent::kGateGreen, phase.name, name, "dry run");
    return next_item();
  }
  if (!after_remedy) {
    if (finish_interrupted_remedy(phase, name, [this, &phase, name] { wait_gate(phase, name); }))
      return;
    append(JournalEvent::kGateWaiting, phase.name, name, "");
    gate_started_ = Clock::now();
  }
  // The journal's record of this wait (a remedy's wait goes on with it).
  std::int64_t waiting_since = 0;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (it->event == JournalEvent::kGateWaiting && it->step == name) {
      waiting_since = it->unix_ms;
      break;
    }
  }
  gate_ = name;
  try {
    refresh_groups();
    gate = &resolved_gate(*gate);
  } catch (const std::exception& error) {
    GateStatus status;
    status.gate = name;
    return gate_timed_out(phase, *gate, status, error.what());
  }
  gate_wait_ = std::make_unique<GateWait>(ctx_.io, ctx_.results, *gate, options_.gate);
  keep_gate_status(phase, *gate, waiting_since);
  if (!after_remedy)
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
        // A line each time the reason changes, not each time a message
        // behind it does (a green check's figures move all the time); a
        // reason whose only change is its figures (an uptime counting up)
        // is printed again at most every 30 s.
        [this, last = std::make_shared<std::pair<std::string, std::chrono::milliseconds>>()](
            const GateStatus& status) {
          if (status.green) return last->first.clear();
          std::string why = status.why_red();
          if (why == last->first) return;
          if (without_figures(why) == without_figures(last->first) &&
              status.waited - last->second < std::chrono::seconds(30))
            return;
          report(fmt::format("    red after {}s: {}", status.waited.count() / 1000, why));
          *last = {std::move(why), status.waited};
        },
        last_action_at_ ? last_action_at_ : last_action(records_),
        after_remedy ? std::optional<Clock::time_point>(gate_started_) : std::nullopt);
    if (gate->remedy && remedies_made(phase.name, name) < gate->remedy->attempts)
      arm_remedy(phase, *gate, gate->remedy->after);
  } catch (const std::exception& error) {
    GateStatus status;
    status.gate = name;
    gate_timed_out(phase, *gate, status, error.what());
  }
}

void Executor::Impl::warm_next_gates() {
  if (options_.dry_run || phase_ + 1 >= ctx_.book.phases.size()) return;
  for (const auto& name : ctx_.book.phases[phase_ + 1].require) {
    const Gate* gate = ctx_.book.gate(name);
    if (gate == nullptr) continue;
    try {
      for (const auto& check : gate_for_run(*gate, ctx_.site, ctx_.groups, excluded()).checks)
        ctx_.results.run_now(ctx_.results.watch(check));
    } catch (const GroupResolutionError&) {
      // A group not known yet (one the next phase's steps save, a dynamic
      // source not answering yet): its wait resolves it and says why.
    } catch (const std::exception& error) {
      report(fmt::format("    gate {}: its checks could not start early ({}); its wait will "
                         "try again",
                         gate->name, error.what()));
    }
  }
}

void Executor::Impl::keep_gate_status(const Phase& phase, const Gate& gate, std::int64_t since_ms) {
  RunGateStatus head;
  head.pid = ::getpid();
  head.gate = gate.name;
  head.phase = phase.name;
  head.since_ms = since_ms;
  head.stable_for_ms = gate.stable_for.count();
  for (const auto& check : gate.checks)
    head.checks.push_back({check.check, "-", 0, gate_check_nodes(ctx_.site, check), ""});
  gate_status_ =
      std::make_unique<RunGateStatusWriter>(journal_.path().parent_path(), std::move(head));
  // The file serves `runbook status` only: a run goes on without it, and
  // says once why status cannot tell.
  gate_wait_->set_observer([this, reported = false](const GateStatus& status) mutable {
    if (!gate_status_ || !gate_status_->update(status, std::chrono::system_clock::now())) return;
    if (gate_status_->error().empty() || reported) return;
    reported = true;
    report(fmt::format("    greenlight runbook status cannot say why the gate is red: {}",
                       gate_status_->error()));
  });
}

const Gate& Executor::Impl::resolved_gate(const Gate& gate) {
  Gate now = gate_for_run(gate, ctx_.site, ctx_.groups, excluded());
  // Kept until the gate is waited on again: its GateWait and pause refer to it.
  return resolved_gates_.insert_or_assign(gate.name, std::move(now)).first->second;
}

void Executor::Impl::gate_done(const Phase& phase, const Gate& gate, GateOutcome outcome,
                               const GateStatus& status) {
  last_gate_status_ = status;
  gate_status_.reset();
  if (outcome == GateOutcome::kCancelled) return;
  disarm_remedy();
  if (outcome == GateOutcome::kGreen) {
    gate_.clear();
    append(JournalEvent::kGateGreen, phase.name, gate.name,
           fmt::format("green after {:.1f}s", static_cast<double>(status.waited.count()) / 1000));
    report(fmt::format("  gate {} green after {:.1f}s{}", gate.name,
                       static_cast<double>(status.waited.count()) / 1000,
                       status.green_for > status.waited
                           ? std::string(" (its checks green since before the wait, each "
                                         "for its own stable_for)")
                           : std::string()));
    return next_item();
  }
  gate_timed_out(phase, gate, status, status.why_red());
}

void Executor::Impl::gate_timed_out(const Phase& phase, const Gate& gate, const GateStatus& status,
                                    const std::string& why) {
  last_gate_status_ = status;
  gate_status_.reset();
  disarm_remedy();
  const int made = gate.remedy ? remedies_made(phase.name, gate.name) : 0;
  append(JournalEvent::kGateTimedOut, phase.name, gate.name, why);
  Pause pause;
  pause.cause = Pause::Cause::kGateTimedOut;
  pause.phase = phase.name;
  pause.gate = gate.name;
  // "gate healed (every volume healed) is not green ...", or without a
  // description "gate healed is not green ...", never "()".
  pause.explanation = fmt::format(
      "gate {}{} is not green after {}s: {}", gate.name,
      gate.description.empty() ? "" : fmt::format(" ({})", gate.description),
      status.waited.count() / 1000, why);
  if (!gate.on_timeout.empty()) pause.explanation += "\nInvestigate: " + gate.on_timeout;
  pause.choices = {Decision::Kind::kRetry, Decision::Kind::kSkip, Decision::Kind::kAbort};
  if (gate.remedy) {
    pause.choices.insert(pause.choices.begin() + 1, Decision::Kind::kRemedy);
    const RemedyObjects objects = objects_keeping_red(gate, status);
    pause.explanation += fmt::format(
        "\nIts remedy ran {} time{} (at most {} by itself){}; 'remedy' runs it once more on what "
        "keeps it red now",
        made, made == 1 ? "" : "s", gate.remedy->attempts,
        objects.empty() ? std::string() : "; what keeps it red: " + objects.describe());
  }
  ask(pause, [this, &phase, &gate](const Decision& decision) {
    gate_.clear();
    if (decision.kind == Decision::Kind::kSkip) {
      append(JournalEvent::kGateSkipped, phase.name, gate.name, decision.reason);
      return next_item();
    }
    if (decision.kind == Decision::Kind::kRemedy) {
      gate_ = gate.name;
      return remedy_from_pause(phase, gate);
    }
    advance();  // wait again
  });
}

void Executor::Impl::ask(const Pause& pause, std::function<void(const Decision&)> go_on) {
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
               (decision.reason.empty() ? "aborted by the operator" : decision.reason) +
                   answered_by());
        report("run aborted");
        return finish(RunOutcome::kAborted);
      case Decision::Kind::kLeavePaused:
        report(fmt::format("run {} left paused: greenlight runbook resume {}", run_id_, run_id_));
        return finish(RunOutcome::kPaused);
      default:
        if (decision.kind == Decision::Kind::kSkip && decision.reason.empty())
          decision.reason = "skipped by the operator";
        append(JournalEvent::kRunResumed, pause.phase, step,
               to_string(decision.kind) + answered_by());
        go_on(decision);
    }
  });
}

void Executor::Impl::leave_paused(const Phase& phase, int number, const std::string& why) {
  append_step(JournalEvent::kRunPaused, phase, number, why);
  report(fmt::format("run {} paused: {}; continue with: greenlight runbook resume {}", run_id_, why,
                     run_id_));
  finish(RunOutcome::kPaused);
}

}  // namespace greenlight::runbook
