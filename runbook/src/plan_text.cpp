// The plan as the operator reads it (`greenlight runbook plan NAME`).
#include <fmt/format.h>

#include <algorithm>

#include "greenlight/runbook/plan.h"

namespace greenlight::runbook {
namespace {

std::string count_of(const NodeSet& nodes) {
  return fmt::format("{} ({} node{})", nodes.fold(), nodes.size(), nodes.size() == 1 ? "" : "s");
}

std::string codes_of(const Step& step) {
  std::string codes;
  for (int code : step.allowed_exit_codes)
    codes += (codes.empty() ? "" : ",") + std::to_string(code);
  return fmt::format("      exit codes {}; {} failed node{} allowed; {} retr{}{}\n", codes,
                     step.max_failed_nodes, step.max_failed_nodes == 1 ? "" : "s", step.retries,
                     step.retries == 1 ? "y" : "ies", step.idempotent ? "; idempotent" : "");
}

std::string render_jobs(const std::string& head, const PlannedStep& planned,
                        const std::string& self) {
  const Step& step = planned.step;
  const PlannedJobs& jobs = planned.jobs;
  const std::string what =
      step.kind == StepKind::kPower ? fmt::format("{} {}", head, step.power_action) : head;
  if (jobs.nothing_to_do) {
    return fmt::format("{} on {}: nothing to do, skipped ({})\n", what,
                       jobs.nodes->size() == 0 ? "no node" : count_of(*jobs.nodes),
                       jobs.skip_reason);
  }
  if (jobs.resolved && step.kind == StepKind::kRun) {
    return fmt::format("{} on {}:\n      {}\n", what, count_of(*jobs.nodes), jobs.command) +
           codes_of(step);
  }
  if (jobs.resolved) {
    return fmt::format("{} on {}, from {}:\n      {}{}\n", what, count_of(*jobs.nodes), self,
                       jobs.command,
                       jobs.jobs > 1 ? fmt::format("   (likewise for the {} other node{})",
                                                   jobs.jobs - 1, jobs.jobs == 2 ? "" : "s")
                                     : "");
  }
  if (!jobs.refused.empty())
    return fmt::format("{} on {}: refused: {}\n", what, count_of(*jobs.nodes), jobs.refused);
  const std::string nodes =
      jobs.nodes ? count_of(*jobs.nodes) : jobs.written + " (resolved at run time)";
  if (step.kind != StepKind::kRun) return fmt::format("{} on {}\n", what, nodes);
  return fmt::format("{} on {}:\n      {}   (node sets resolved at run time)\n", what, nodes,
                     jobs.command) +
         codes_of(step);
}

std::string render_save_group(const std::string& head, const PlannedStep& planned) {
  const Step& step = planned.step;
  const std::string minus = step.exclude.empty() ? "" : " -x " + step.exclude;
  std::string why;
  if (!planned.missing_group.empty()) {
    why = fmt::format(
        "\n      this run has no @run:{} (saved in the same run, e.g. by shutdown in restart, or "
        "given with --from-run RUN): saves {}",
        planned.missing_group, step.fallback);
  } else if (!step.fallback.empty()) {
    why = fmt::format("\n      saves {} (this run has it; else it would save {})", step.nodes,
                      step.fallback);
  }
  if (planned.jobs.nodes) {
    return fmt::format("{}: @run:{} = {}{} = {}{}\n", head, step.group, planned.saves, minus,
                       count_of(*planned.jobs.nodes), why);
  }
  return fmt::format("{}: @run:{} = {}{} (resolved at run time){}\n", head, step.group,
                     planned.saves, minus, why);
}

void render_gate(std::string& out, const PlannedGate& planned, const Plan& plan) {
  const Gate& gate = planned.gate;
  out += fmt::format("   {} {}{}\n", planned.require ? "require" : "wait for", gate.name,
                     gate.description.empty() ? "" : ": " + gate.description);
  if (planned.exclusion_at_run_time)
    out += fmt::format("      (node sets resolved at run time, minus {})\n", plan.excluded->fold());
  for (const auto& check : gate.checks) {
    std::string overrides;
    for (const auto& [key, value] : check.overrides.entries) {
      overrides +=
          fmt::format(", {}={}", key.scalar, value.is_scalar() ? value.scalar : value.describe());
    }
    if (check.stable_for)
      overrides += fmt::format(", green for {} (its own)", duration(*check.stable_for));
    out += fmt::format("      - check {} expect {}{}\n", check.check, check.expect, overrides);
  }
  out += fmt::format("      green for {}, at most {}\n", duration(gate.stable_for),
                     duration(gate.timeout));
  if (!gate.remedy) return;
  const Remedy& remedy = *gate.remedy;
  std::string states;
  for (const auto& state : remedy.states) states += (states.empty() ? "" : ",") + state;
  out += fmt::format(
      "      remedy: still red {} into the wait, at most {} attempt{}, on the VMs that keep it "
      "red ({}: @remedy:vms) and their hypervisors (@remedy:hosts); then the gate waits again\n",
      duration(remedy.after), remedy.attempts, remedy.attempts == 1 ? "" : "s", states);
  for (const auto& step : planned.remedy_steps) {
    // Under the gate: the step as exec resolves it, indented once more.
    const std::string block =
        render_jobs(fmt::format("   remedy step {} run", step.number), step, plan.self);
    for (std::size_t start = 0; start < block.size();) {
      const std::size_t end = std::min(block.find('\n', start), block.size() - 1);
      out += "    " + block.substr(start, end - start + 1);
      start = end + 1;
    }
  }
}

}  // namespace

std::string render_plan(const Plan& plan) {
  const Runbook& book = *plan.book;
  std::string out = fmt::format("runbook {} ({}): {} phase{}\n{}\n", book.name,
                                book.file.string(), book.phases.size(),
                                book.phases.size() == 1 ? "" : "s", book.description);
  if (!plan.from_run.empty()) {
    out += fmt::format("with the groups saved by run {}:", plan.from_run);
    for (const auto& [name, nodes] : plan.run_groups)
      out += fmt::format(" @run:{}={}", name, nodes.empty() ? "(empty)" : nodes);
    out += "\n";
  }
  if (plan.excluded)
    out += fmt::format("excluding {} from every step and gate\n", plan.excluded->fold());
  for (const auto& planned : plan.phases) {
    const Phase& phase = *planned.phase;
    out += fmt::format("\n{}. {}{}\n", planned.number, phase.name,
                       phase.title.empty() ? "" : " - " + phase.title);
    for (const auto& gate : planned.require) render_gate(out, gate, plan);
    for (const auto& step : planned.steps) {
      const std::string head = fmt::format("   step {} {}", step.number, to_string(step.step.kind));
      switch (step.step.kind) {
        case StepKind::kConfirm:
        case StepKind::kManual:
          out += fmt::format("{}: {}\n", head, step.step.text);
          break;
        case StepKind::kSaveGroup:
          out += render_save_group(head, step);
          break;
        case StepKind::kPower:
        case StepKind::kRun:
          out += render_jobs(head, step, plan.self);
          break;
        case StepKind::kSelfPoweroff:
          out += fmt::format("{} on {}: {}{}\n", head, plan.self, step.jobs.command,
                             step.jobs.resolved ? "" : "   (node sets resolved at run time)");
          break;
      }
    }
    for (const auto& gate : planned.wait_for) render_gate(out, gate, plan);
  }
  return out;
}

std::string duration(std::chrono::milliseconds ms) {
  const auto count = ms.count();
  if (count == 0) return "0s";
  if (count % 3'600'000 == 0) return fmt::format("{}h", count / 3'600'000);
  if (count % 60'000 == 0) return fmt::format("{}m", count / 60'000);
  if (count % 1000 == 0) return fmt::format("{}s", count / 1000);
  return fmt::format("{}ms", count);
}

}  // namespace greenlight::runbook
