// A gate's remedy: when the gate is still red `after` its wait began, its
// `run` steps run on the objects that keep it red (remedy.h), each journaled
// before and after; then the gate is waited on again, its evidence counted
// from after the remedy. Attempts are bounded per wait; the operator may
// start one more from the gate's pause.
#include <fmt/format.h>

#include <cstdlib>

#include "executor_impl.h"
#include "greenlight/runbook/remedy.h"

namespace greenlight::runbook {

int Executor::Impl::remedies_made(const std::string& phase, const std::string& gate) const {
  int made = 0;
  for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
    if (r->event == JournalEvent::kRunAdopted) break;
    if (r->phase != phase) continue;
    if (r->event == JournalEvent::kPhaseStarted) break;
    if (r->step != gate) continue;
    if (r->event == JournalEvent::kGateTimedOut) break;
    if (r->event == JournalEvent::kRemedyStarted && r->detail.rfind("attempt ", 0) == 0) ++made;
  }
  return made;
}

bool Executor::Impl::finish_interrupted_remedy(const Phase& phase, const std::string& gate_name,
                                               std::function<void()> then) {
  const JournalRecord* started = nullptr;
  const JournalRecord* in_flight = nullptr;  // the last step started
  const JournalRecord* groups_record = nullptr;
  std::size_t steps_started = 0;
  for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
    if (r->phase != phase.name || r->step != gate_name) continue;
    if (r->event == JournalEvent::kRemedyFinished) return false;
    if (r->event == JournalEvent::kRemedyStep && in_flight == nullptr) {
      if (const auto number = step_started_in(r->detail)) {
        in_flight = &*r;
        steps_started = *number;
      }
    }
    if (r->event == JournalEvent::kRemedyStep && r->detail.rfind("groups ", 0) == 0)
      groups_record = &*r;
    if (r->event == JournalEvent::kRemedyStarted) {
      started = &*r;
      break;
    }
  }
  if (started == nullptr) return false;
  // Started, never finished: greenlight stopped in the middle. The step in
  // flight may have run and is not run again; the attempt counts.
  const Gate* gate = ctx_.book.gate(gate_name);
  const std::string flight =
      in_flight == nullptr ? std::string("before its first step")
                           : fmt::format("in {} (it may have run; not run again)", in_flight->detail);
  auto groups =
      groups_record != nullptr ? remedy_groups_from_journal(groups_record->detail) : nullptr;
  const std::size_t total = gate != nullptr && gate->remedy ? gate->remedy->steps.size() : 0;
  if (groups == nullptr || steps_started >= total) {
    const std::string why = fmt::format(
        "interrupted: greenlight stopped {}{}", flight,
        steps_started >= total && total > 0
            ? "; it was the last step: see that it did what it restores"
            : "; its remaining steps cannot be run (no groups in its record): run them by hand");
    append(JournalEvent::kRemedyFinished, phase.name, gate_name, why);
    report(fmt::format("  remedy of gate {} ({}): {}", gate_name, started->detail, why));
    return false;
  }
  const std::string why =
      fmt::format("interrupted: greenlight stopped {}; step{} {} never ran: running {} now, as a "
                  "remedy runs every step (the last ones restore what the first ones stopped)",
                  flight, total - steps_started == 1 ? "" : "s",
                  total - steps_started == 1
                      ? std::to_string(total)
                      : fmt::format("{}-{}", steps_started + 1, total),
                  total - steps_started == 1 ? "it" : "them");
  append(JournalEvent::kRemedyStep, phase.name, gate_name, why);
  report(fmt::format("  remedy of gate {} ({}): {}", gate_name, started->detail, why));
  ctx_.groups.add_source("remedy", std::move(groups));
  remedy_step(phase, *gate, steps_started, std::make_shared<std::vector<std::string>>(),
              std::move(then));
  return true;
}

void Executor::Impl::arm_remedy(const Phase& phase, const Gate& gate, milliseconds delay) {
  const auto generation = ++remedy_generation_;
  remedy_timer_.expires_after(delay);
  remedy_timer_.async_wait(
      [this, alive = alive_, &phase, &gate, generation](const boost::system::error_code& ec) {
        if (ec || !*alive || finished_ || generation != remedy_generation_) return;
        remedy_due(phase, gate);
      });
}

void Executor::Impl::disarm_remedy() {
  ++remedy_generation_;
  remedy_timer_.cancel();
}

RemedyObjects Executor::Impl::objects_keeping_red(const Gate& gate,
                                                  const GateStatus& status) const {
  std::vector<const checks::CheckResult*> red;
  for (const auto& check : status.checks) {
    if (check.state != GateCheckState::State::kRed) continue;
    if (const checks::CheckResult* result = ctx_.results.latest(check.key))
      if (!result->green()) red.push_back(result);
  }
  return remedy_objects(red, *gate.remedy, ctx_.site);
}

void Executor::Impl::remedy_due(const Phase& phase, const Gate& gate) {
  if (!gate_wait_ || gate_ != gate.name) return;
  const GateStatus status = gate_wait_->status();
  const RemedyObjects objects = status.green ? RemedyObjects{} : objects_keeping_red(gate, status);
  // Green (not yet for stable_for), or red for a reason no remedy object
  // explains (no result yet, a check that cannot look): look again soon.
  if (objects.empty()) return arm_remedy(phase, gate, milliseconds(1000));
  gate_wait_->cancel();
  last_gate_status_ = status;
  const int made = remedies_made(phase.name, gate.name);
  const std::string name = gate.name;
  run_remedy(phase, gate, objects, fmt::format("attempt {} of {}", made + 1, gate.remedy->attempts),
             [this, &phase, name] { wait_gate(phase, name, true); });
}

void Executor::Impl::run_remedy(const Phase& phase, const Gate& gate, const RemedyObjects& objects,
                                const std::string& head, std::function<void()> then) {
  append(JournalEvent::kRemedyStarted, phase.name, gate.name,
         fmt::format("{}: {}", head, objects.describe()));
  // What its steps read, for the steps a crash would leave unstarted.
  append(JournalEvent::kRemedyStep, phase.name, gate.name, journaled_groups(objects));
  report(fmt::format("  remedy of gate {}, {}: {}", gate.name, head, objects.describe()));
  ctx_.groups.add_source("remedy", remedy_groups(objects));
  auto failures = std::make_shared<std::vector<std::string>>();
  remedy_step(phase, gate, 0, failures, std::move(then));
}

void Executor::Impl::remedy_step(const Phase& phase, const Gate& gate, std::size_t index,
                                 std::shared_ptr<std::vector<std::string>> failures,
                                 std::function<void()> then) {
  const auto& steps = gate.remedy->steps;
  if (index >= steps.size()) {
    std::string outcome = "ok";
    if (!failures->empty()) {
      outcome = "failed:";
      for (const auto& failure : *failures) outcome += " " + failure + ";";
      outcome.pop_back();
    }
    append(JournalEvent::kRemedyFinished, phase.name, gate.name, outcome);
    report(fmt::format("  remedy of gate {} done: {}; waiting for the gate again", gate.name,
                       outcome));
    return asio::post(ctx_.io, [alive = alive_, this, then = std::move(then)] {
      if (*alive && !finished_) then();
    });
  }
  const Step& s = steps[index];
  const int number = static_cast<int>(index) + 1;
  auto next = [this, &phase, &gate, index, failures, then] {
    remedy_step(phase, gate, index + 1, failures, then);
  };
  std::vector<detail::Job> jobs;
  ResolvedStep resolved;
  try {
    resolved = resolve_step(s, ctx_.site, ctx_.groups, std::nullopt, excluded());
  } catch (const std::exception& error) {
    failures->push_back(fmt::format("step {}: {}", number, error.what()));
    append(JournalEvent::kRemedyStep, phase.name, gate.name,
           fmt::format("step {} failed: {}", number, error.what()));
    return next();
  }
  if (resolved.nothing_to_do) {
    append(JournalEvent::kRemedyStep, phase.name, gate.name,
           fmt::format("step {} skipped: {}", number, empty_reason(resolved)));
    return next();
  }
  for (const auto& job : resolved.jobs) {
    Command command = Command::shell(job.command);
    command.timeout = resolved.timeout;
    jobs.push_back({job.node, job.on_self ? self_endpoint() : ctx_.endpoint_for(job.node),
                    std::move(command)});
  }
  const std::string nodes = resolved.nodes.fold();
  const std::string text = resolved.jobs.front().command;
  // Journaled before it runs: after a crash the journal says what may have run.
  append(JournalEvent::kRemedyStep, phase.name, gate.name,
         journaled_step_start(static_cast<std::size_t>(number), nodes, text));
  report(fmt::format("    remedy step {} on {}: {}", number, nodes, text));
  const int fanout = s.fanout > 0 ? s.fanout : ctx_.site.ssh.fanout;
  detail::run_jobs(ctx_.runner, std::move(jobs), fanout,
                   [this, alive = alive_, &phase, &gate, &s, number, nodes, failures,
                    next](std::vector<RunResult> results) {
                     if (!*alive || finished_) return;
                     std::vector<RunResult> failed;
                     for (const auto& result : results) {
                       if (!detail::succeeded(result, s.allowed_exit_codes))
                         failed.push_back(result);
                     }
                     for (const auto& line : detail::folded_results(results)) report("  " + line);
                     std::string detail_text;
                     if (static_cast<int>(failed.size()) > s.max_failed_nodes) {
                       detail_text =
                           fmt::format("step {} failed on {} ({})", number,
                                       detail::fold_nodes(failed), detail::failure_summary(failed));
                       failures->push_back(detail_text);
                     } else {
                       detail_text = fmt::format("step {} ok on {} node{}", number,
                                                 results.size() - failed.size(),
                                                 results.size() - failed.size() == 1 ? "" : "s");
                     }
                     append(JournalEvent::kRemedyStep, phase.name, gate.name, detail_text);
                     next();
                   });
}

void Executor::Impl::remedy_from_pause(const Phase& phase, const Gate& gate) {
  const RemedyObjects objects = objects_keeping_red(gate, last_gate_status_);
  if (objects.empty()) {
    report(
        fmt::format("  no VM keeps gate {} red in its checks' latest results: nothing to "
                    "remedy; waiting for the gate again",
                    gate.name));
    return advance();
  }
  run_remedy(phase, gate, objects, "by the operator" + answered_by(), [this] { advance(); });
}

}  // namespace greenlight::runbook
