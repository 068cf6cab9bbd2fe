// A gate's remedy: when the gate is still red `after` its wait began, its
// `run` steps run on the objects that keep it red (remedy.h), each journaled
// before and after; then the gate is waited on again, its evidence counted
// from after the remedy. Attempts are bounded per wait; the operator may
// start one more from the gate's pause.
#include "gate_remedy.h"

#include <fmt/format.h>

#include <cstdlib>

#include "job_window.h"
#include "step_commands.h"

namespace greenlight::runbook {

using std::chrono::milliseconds;

GateRemedy::GateRemedy(const Executor::Context& context, RunJournal& journal,
                       const RunGroups& groups, RunFlow& flow)
    : ctx_(context), journal_(journal), groups_(groups), flow_(flow), timer_(context.io) {}

int GateRemedy::made(const std::string& phase, const std::string& gate) const {
  int made = 0;
  for (auto r = journal_.records().rbegin(); r != journal_.records().rend(); ++r) {
    if (r->event == JournalEvent::kRunAdopted) break;
    if (r->phase != phase) continue;
    if (r->event == JournalEvent::kPhaseStarted) break;
    if (r->step != gate) continue;
    if (r->event == JournalEvent::kGateTimedOut) break;
    if (r->event == JournalEvent::kRemedyStarted && r->detail.rfind("attempt ", 0) == 0) ++made;
  }
  return made;
}

bool GateRemedy::finish_interrupted(const Phase& phase, const std::string& gate_name,
                                    std::function<void()> then) {
  const JournalRecord* started = nullptr;
  const JournalRecord* in_flight = nullptr;  // the last step started
  const JournalRecord* groups_record = nullptr;
  std::size_t steps_started = 0;
  for (auto r = journal_.records().rbegin(); r != journal_.records().rend(); ++r) {
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
      in_flight == nullptr
          ? std::string("before its first step")
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
    journal_.append(JournalEvent::kRemedyFinished, phase.name, gate_name, why);
    ctx_.person.report(
        fmt::format("  remedy of gate {} ({}): {}", gate_name, started->detail, why));
    return false;
  }
  const std::string why = fmt::format(
      "interrupted: greenlight stopped {}; step{} {} never ran: running {} now, as a "
      "remedy runs every step (the last ones restore what the first ones stopped)",
      flight, total - steps_started == 1 ? "" : "s",
      total - steps_started == 1 ? std::to_string(total)
                                 : fmt::format("{}-{}", steps_started + 1, total),
      total - steps_started == 1 ? "it" : "them");
  journal_.append(JournalEvent::kRemedyStep, phase.name, gate_name, why);
  ctx_.person.report(fmt::format("  remedy of gate {} ({}): {}", gate_name, started->detail, why));
  ctx_.groups.add_source("remedy", std::move(groups));
  step(phase, *gate, steps_started, std::make_shared<std::vector<std::string>>(), std::move(then));
  return true;
}

void GateRemedy::arm(milliseconds delay, std::function<void()> due) {
  const auto generation = ++generation_;
  timer_.expires_after(delay);
  timer_.async_wait([this, going = flow_.lifeline(), generation,
                     due = std::move(due)](const boost::system::error_code& ec) {
    if (ec || !going() || generation != generation_) return;
    due();
  });
}

void GateRemedy::disarm() {
  ++generation_;
  timer_.cancel();
}

RemedyObjects GateRemedy::objects_keeping_red(const Gate& gate, const GateStatus& status) const {
  std::vector<const checks::CheckResult*> red;
  for (const auto& check : status.checks) {
    if (check.state != GateCheckState::State::kRed) continue;
    if (const checks::CheckResult* result = ctx_.results.latest(check.key))
      if (!result->green()) red.push_back(result);
  }
  return remedy_objects(red, *gate.remedy, ctx_.site);
}

void GateRemedy::run(const Phase& phase, const Gate& gate, const RemedyObjects& objects,
                     const std::string& head, std::function<void()> then) {
  journal_.append(JournalEvent::kRemedyStarted, phase.name, gate.name,
                  fmt::format("{}: {}", head, objects.describe()));
  // What its steps read, for the steps a crash would leave unstarted.
  journal_.append(JournalEvent::kRemedyStep, phase.name, gate.name, journaled_groups(objects));
  ctx_.person.report(
      fmt::format("  remedy of gate {}, {}: {}", gate.name, head, objects.describe()));
  ctx_.groups.add_source("remedy", remedy_groups(objects));
  auto failures = std::make_shared<std::vector<std::string>>();
  step(phase, gate, 0, failures, std::move(then));
}

void GateRemedy::step(const Phase& phase, const Gate& gate, std::size_t index,
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
    journal_.append(JournalEvent::kRemedyFinished, phase.name, gate.name, outcome);
    ctx_.person.report(fmt::format("  remedy of gate {} done: {}; waiting for the gate again",
                                   gate.name, outcome));
    return asio::post(ctx_.io, [going = flow_.lifeline(), then = std::move(then)] {
      if (going()) then();
    });
  }
  const Step& s = steps[index];
  const int number = static_cast<int>(index) + 1;
  auto next = [this, &phase, &gate, index, failures, then] {
    step(phase, gate, index + 1, failures, then);
  };
  std::vector<detail::Job> jobs;
  ResolvedStep resolved;
  try {
    resolved = resolve_step(s, ctx_.site, ctx_.groups, std::nullopt, groups_.excluded());
  } catch (const std::exception& error) {
    failures->push_back(fmt::format("step {}: {}", number, error.what()));
    journal_.append(JournalEvent::kRemedyStep, phase.name, gate.name,
                    fmt::format("step {} failed: {}", number, error.what()));
    return next();
  }
  if (resolved.nothing_to_do) {
    journal_.append(JournalEvent::kRemedyStep, phase.name, gate.name,
                    fmt::format("step {} skipped: {}", number, empty_reason(resolved)));
    return next();
  }
  jobs = detail::jobs_of(resolved, ctx_);
  const std::string nodes = resolved.nodes.fold();
  const std::string text = resolved.jobs.front().command;
  // Journaled before it runs: after a crash the journal says what may have run.
  journal_.append(JournalEvent::kRemedyStep, phase.name, gate.name,
                  journaled_step_start(static_cast<std::size_t>(number), nodes, text));
  ctx_.person.report(fmt::format("    remedy step {} on {}: {}", number, nodes, text));
  const int fanout = s.fanout > 0 ? s.fanout : ctx_.site.ssh.fanout;
  detail::run_jobs(ctx_.runner, std::move(jobs), fanout,
                   [this, going = flow_.lifeline(), &phase, &gate, &s, number, nodes, failures,
                    next](std::vector<RunResult> results) {
                     if (!going()) return;
                     std::vector<RunResult> failed;
                     for (const auto& result : results) {
                       if (!detail::succeeded(result, s.allowed_exit_codes))
                         failed.push_back(result);
                     }
                     for (const auto& line : detail::folded_results(results))
                       ctx_.person.report("  " + line);
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
                     journal_.append(JournalEvent::kRemedyStep, phase.name, gate.name, detail_text);
                     next();
                   });
}

}  // namespace greenlight::runbook
