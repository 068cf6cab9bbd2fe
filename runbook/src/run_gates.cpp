// Waiting on gates: a gate's wait, its status file, its remedy armed, its
// pause when it times out.
#include "run_gates.h"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <utility>

namespace greenlight::runbook {

using std::chrono::milliseconds;

RunGates::RunGates(const Executor::Context& context, const ExecutorOptions& options,
                   RunJournal& journal, const RunGroups& groups, RunQuestions& questions,
                   GateRemedy& remedy, RunFlow& flow)
    : ctx_(context),
      options_(options),
      journal_(journal),
      groups_(groups),
      questions_(questions),
      remedy_(remedy),
      flow_(flow) {}

void RunGates::wait(const Phase& phase, const std::string& name, bool after_remedy) {
  if (journal_.gate_passed(phase.name, name)) return flow_.next_item();
  const Gate* gate = ctx_.book.gate(name);
  if (options_.dry_run) {
    // The checks as this run would wait on them: its exclusions and the
    // dynamic groups of now in their node sets, as plan shows them.
    std::string checks;
    if (gate != nullptr) {
      try {
        groups_.refresh();
        for (const auto& c : resolved(*gate).checks)
          checks += (checks.empty() ? "" : ", ") + gate_check_key(c);
      } catch (const std::exception& error) {
        checks =
            fmt::format("its checks, but their node sets do not resolve now: {}", error.what());
      }
    }
    ctx_.person.report(fmt::format("  gate {}: would wait for {}", name, checks));
    journal_.append(JournalEvent::kGateGreen, phase.name, name, "dry run");
    return flow_.next_item();
  }
  if (!after_remedy) {
    if (remedy_.finish_interrupted(phase, name, [this, &phase, name] { wait(phase, name); }))
      return;
    journal_.append(JournalEvent::kGateWaiting, phase.name, name, "");
    started_ = Clock::now();
  }
  // The journal's record of this wait (a remedy's wait goes on with it).
  const std::int64_t waiting_since = journal_.waiting_since(name);
  gate_ = name;
  try {
    groups_.refresh();
    gate = &resolved(*gate);
  } catch (const std::exception& error) {
    GateStatus status;
    status.gate = name;
    return timed_out(phase, *gate, status, error.what());
  }
  wait_ = std::make_unique<GateWait>(ctx_.io, ctx_.results, *gate, options_.gate);
  keep_status(phase, *gate, waiting_since);
  if (!after_remedy)
    ctx_.person.report(
        fmt::format("  waiting for gate {}: {} (timeout {}s{})", name, gate->description,
                    gate->timeout.count() / 1000,
                    gate->stable_for.count() > 0
                        ? fmt::format(", green for {}s", gate->stable_for.count() / 1000)
                        : std::string()));
  try {
    wait_->start(
        [this, &phase, gate](GateOutcome outcome, const GateStatus& status) {
          done(phase, *gate, outcome, status);
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
          ctx_.person.report(
              fmt::format("    red after {}s: {}", status.waited.count() / 1000, why));
          *last = {std::move(why), status.waited};
        },
        journal_.last_action(),
        after_remedy ? std::optional<Clock::time_point>(started_) : std::nullopt);
    if (gate->remedy && remedy_.made(phase.name, name) < gate->remedy->attempts)
      remedy_.arm(gate->remedy->after, [this, &phase, gate] { remedy_due(phase, *gate); });
  } catch (const std::exception& error) {
    GateStatus status;
    status.gate = name;
    timed_out(phase, *gate, status, error.what());
  }
}

void RunGates::warm(const Phase& next) {
  if (options_.dry_run) return;
  for (const auto& name : next.require) {
    const Gate* gate = ctx_.book.gate(name);
    if (gate == nullptr) continue;
    try {
      for (const auto& check :
           gate_for_run(*gate, ctx_.site, ctx_.groups, groups_.excluded()).checks)
        ctx_.results.run_now(ctx_.results.watch(check));
    } catch (const GroupResolutionError&) {
      // A group not known yet (one the next phase's steps save, a dynamic
      // source not answering yet): its wait resolves it and says why.
    } catch (const std::exception& error) {
      ctx_.person.report(
          fmt::format("    gate {}: its checks could not start early ({}); its wait will "
                      "try again",
                      gate->name, error.what()));
    }
  }
}

void RunGates::keep_status(const Phase& phase, const Gate& gate, std::int64_t since_ms) {
  RunGateStatus head;
  head.pid = ::getpid();
  head.gate = gate.name;
  head.phase = phase.name;
  head.since_ms = since_ms;
  head.stable_for_ms = gate.stable_for.count();
  for (const auto& check : gate.checks)
    head.checks.push_back({check.check, "-", 0, gate_check_nodes(ctx_.site, check), ""});
  status_file_ = std::make_unique<RunGateStatusWriter>(journal_.run_directory(), std::move(head));
  // The file serves `runbook status` only: a run goes on without it, and
  // says once why status cannot tell.
  wait_->set_observer([this, reported = false](const GateStatus& status) mutable {
    if (!status_file_ || !status_file_->update(status, std::chrono::system_clock::now())) return;
    if (status_file_->error().empty() || reported) return;
    reported = true;
    ctx_.person.report(fmt::format(
        "    greenlight runbook status cannot say why the gate is red: {}", status_file_->error()));
  });
}

const Gate& RunGates::resolved(const Gate& gate) {
  Gate now = gate_for_run(gate, ctx_.site, ctx_.groups, groups_.excluded());
  // Kept until the gate is waited on again: its GateWait and pause refer to it.
  return resolved_.insert_or_assign(gate.name, std::move(now)).first->second;
}

void RunGates::done(const Phase& phase, const Gate& gate, GateOutcome outcome,
                    const GateStatus& status) {
  last_status_ = status;
  status_file_.reset();
  if (outcome == GateOutcome::kCancelled) return;
  remedy_.disarm();
  if (outcome == GateOutcome::kGreen) {
    gate_.clear();
    journal_.append(
        JournalEvent::kGateGreen, phase.name, gate.name,
        fmt::format("green after {:.1f}s", static_cast<double>(status.waited.count()) / 1000));
    ctx_.person.report(
        fmt::format("  gate {} green after {:.1f}s{}", gate.name,
                    static_cast<double>(status.waited.count()) / 1000,
                    status.green_for > status.waited
                        ? std::string(" (its checks green since before the wait, each "
                                      "for its own stable_for)")
                        : std::string()));
    return flow_.next_item();
  }
  timed_out(phase, gate, status, status.why_red());
}

void RunGates::timed_out(const Phase& phase, const Gate& gate, const GateStatus& status,
                         const std::string& why) {
  last_status_ = status;
  status_file_.reset();
  remedy_.disarm();
  const int made = gate.remedy ? remedy_.made(phase.name, gate.name) : 0;
  journal_.append(JournalEvent::kGateTimedOut, phase.name, gate.name, why);
  Pause pause;
  pause.cause = Pause::Cause::kGateTimedOut;
  pause.phase = phase.name;
  pause.gate = gate.name;
  // "gate healed (every volume healed) is not green ...", or without a
  // description "gate healed is not green ...", never "()".
  pause.explanation =
      fmt::format("gate {}{} is not green after {}s: {}", gate.name,
                  gate.description.empty() ? "" : fmt::format(" ({})", gate.description),
                  status.waited.count() / 1000, why);
  if (!gate.on_timeout.empty()) pause.explanation += "\nInvestigate: " + gate.on_timeout;
  pause.choices = {Decision::Kind::kRetry, Decision::Kind::kSkip, Decision::Kind::kAbort};
  if (gate.remedy) {
    pause.choices.insert(pause.choices.begin() + 1, Decision::Kind::kRemedy);
    const RemedyObjects objects = remedy_.objects_keeping_red(gate, status);
    pause.explanation += fmt::format(
        "\nIts remedy ran {} time{} (at most {} by itself){}; 'remedy' runs it once more on what "
        "keeps it red now",
        made, made == 1 ? "" : "s", gate.remedy->attempts,
        objects.empty() ? std::string() : "; what keeps it red: " + objects.describe());
  }
  questions_.pause(pause, [this, &phase, &gate](const Decision& decision) {
    gate_.clear();
    if (decision.kind == Decision::Kind::kSkip) {
      journal_.append(JournalEvent::kGateSkipped, phase.name, gate.name, decision.reason);
      return flow_.next_item();
    }
    if (decision.kind == Decision::Kind::kRemedy) {
      gate_ = gate.name;
      return remedy_from_pause(phase, gate);
    }
    flow_.again();  // wait again
  });
}

void RunGates::remedy_due(const Phase& phase, const Gate& gate) {
  if (!wait_ || gate_ != gate.name) return;
  const GateStatus status = wait_->status();
  const RemedyObjects objects =
      status.green ? RemedyObjects{} : remedy_.objects_keeping_red(gate, status);
  // Green (not yet for stable_for), or red for a reason no remedy object
  // explains (no result yet, a check that cannot look): look again soon.
  if (objects.empty())
    return remedy_.arm(milliseconds(1000), [this, &phase, &gate] { remedy_due(phase, gate); });
  wait_->cancel();
  last_status_ = status;
  const int made = remedy_.made(phase.name, gate.name);
  const std::string name = gate.name;
  remedy_.run(phase, gate, objects,
              fmt::format("attempt {} of {}", made + 1, gate.remedy->attempts),
              [this, &phase, name] { wait(phase, name, true); });
}

void RunGates::remedy_from_pause(const Phase& phase, const Gate& gate) {
  const RemedyObjects objects = remedy_.objects_keeping_red(gate, last_status_);
  if (objects.empty()) {
    ctx_.person.report(
        fmt::format("  no VM keeps gate {} red in its checks' latest results: nothing to "
                    "remedy; waiting for the gate again",
                    gate.name));
    return flow_.again();
  }
  remedy_.run(phase, gate, objects, "by the operator" + questions_.answered_by(),
              [this] { flow_.again(); });
}

void RunGates::show(RunSnapshot& out, Clock::time_point now) const {
  if (gate_.empty()) return;
  out.gate = gate_;
  out.gate_status = wait_ ? wait_->status() : last_status_;
  out.gate_waited = std::chrono::duration_cast<milliseconds>(now - started_);
}

void RunGates::cancel() {
  if (wait_) wait_->cancel();
}

void RunGates::end() {
  remedy_.disarm();
  cancel();
  status_file_.reset();
  gate_.clear();
}

}  // namespace greenlight::runbook
