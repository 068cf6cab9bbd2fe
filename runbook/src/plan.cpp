#include "greenlight/runbook/plan.h"

#include <fmt/format.h>

#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/step_jobs.h"

namespace greenlight::runbook {
namespace {

std::string duration(std::chrono::milliseconds ms) {
  const auto count = ms.count();
  if (count == 0) return "0s";
  if (count % 3'600'000 == 0) return fmt::format("{}h", count / 3'600'000);
  if (count % 60'000 == 0) return fmt::format("{}m", count / 60'000);
  if (count % 1000 == 0) return fmt::format("{}s", count / 1000);
  return fmt::format("{}ms", count);
}

std::string count_of(const NodeSet& nodes) {
  return fmt::format("{} ({} node{})", nodes.fold(), nodes.size(), nodes.size() == 1 ? "" : "s");
}

std::string codes_of(const Step& step) {
  std::string codes;
  for (int code : step.allowed_exit_codes) codes += (codes.empty() ? "" : ",") + std::to_string(code);
  return fmt::format("      exit codes {}; {} failed node{} allowed; {} retr{}{}\n", codes,
                     step.max_failed_nodes, step.max_failed_nodes == 1 ? "" : "s", step.retries,
                     step.retries == 1 ? "y" : "ies", step.idempotent ? "; idempotent" : "");
}

// A run or power step as resolve_step (the executor's own resolution) sees
// it now; a group known only at run time (fleet's @vm:running, a @run: group
// saved by an earlier step) is shown unresolved.
std::string render_jobs(const std::string& head, const Step& step, const config::Site& site,
                        const GroupResolver& groups) {
  const std::string what =
      step.kind == StepKind::kPower ? fmt::format("{} {}", head, step.power_action) : head;
  try {
    const ResolvedStep resolved = resolve_step(step, site, groups);
    if (resolved.nothing_to_do) {
      return fmt::format("{} on {}: nothing to do (a node set is empty)\n", what,
                         resolved.nodes.size() == 0 ? "no node" : count_of(resolved.nodes));
    }
    const StepJob& first = resolved.jobs.front();
    if (step.kind == StepKind::kRun) {
      return fmt::format("{} on {}:\n      {}\n", what, count_of(resolved.nodes), first.command) +
             codes_of(step);
    }
    return fmt::format("{} on {}, from {}:\n      {}{}\n", what, count_of(resolved.nodes),
                       site.self_name(), first.command,
                       resolved.jobs.size() > 1
                           ? fmt::format("   (likewise for the {} other node{})",
                                         resolved.jobs.size() - 1,
                                         resolved.jobs.size() == 2 ? "" : "s")
                           : "");
  } catch (const std::exception& error) {
    // The nodes may resolve now while the command reads a group known only
    // at run time: show what is known.
    std::string nodes;
    try {
      const NodeSet set = step_nodes(step, site, groups);
      if (set.size() > node_ceiling())
        return fmt::format("{} on {}: refused: {}\n", what, count_of(set), error.what());
      nodes = count_of(set);
    } catch (const std::exception&) {
      nodes = fmt::format("{}{} (resolved at run time)", step.nodes,
                          step.exclude.empty() ? "" : " -x " + step.exclude);
    }
    if (step.kind != StepKind::kRun) return fmt::format("{} on {}\n", what, nodes);
    return fmt::format("{} on {}:\n      {}   (node sets resolved at run time)\n", what, nodes,
                       step.command->text()) +
           codes_of(step);
  }
}

void render_gate(std::string& out, const char* label, const std::string& name,
                 const Runbook& book) {
  const Gate* gate = book.gate(name);
  if (gate == nullptr) return;
  out += fmt::format("   {} {}: {}\n", label, gate->name, gate->description);
  for (const auto& check : gate->checks) {
    std::string overrides;
    for (const auto& [key, value] : check.overrides.entries) {
      overrides +=
          fmt::format(", {}={}", key.scalar, value.is_scalar() ? value.scalar : value.describe());
    }
    out += fmt::format("      - check {} expect {}{}\n", check.check, check.expect, overrides);
  }
  out += fmt::format("      green for {}, at most {}\n", duration(gate->stable_for),
                     duration(gate->timeout));
}

}  // namespace

std::string render_plan(const Runbook& book, const config::Site& site) {
  GroupResolver groups;
  groups.add_source("site", site.group_resolver()->source("site"));
  std::string out = fmt::format("runbook {} ({}): {} phases\n{}\n", book.name, book.file.string(),
                                book.phases.size(), book.description);
  int number = 0;
  for (const auto& phase : book.phases) {
    out += fmt::format("\n{}. {}{}\n", ++number, phase.name,
                       phase.title.empty() ? "" : " - " + phase.title);
    for (const auto& name : phase.require) render_gate(out, "require", name, book);
    int step_number = 0;
    for (const auto& step : phase.steps) {
      ++step_number;
      const std::string head = fmt::format("   step {} {}", step_number, to_string(step.kind));
      switch (step.kind) {
        case StepKind::kConfirm:
        case StepKind::kManual:
          out += fmt::format("{}: {}\n", head, step.text);
          break;
        case StepKind::kSaveGroup:
          out += fmt::format("{}: @run:{} = {}\n", head, step.group, step.nodes);
          break;
        case StepKind::kPower:
        case StepKind::kRun:
          out += render_jobs(head, step, site, groups);
          break;
        case StepKind::kSelfPoweroff: {
          std::string command;
          try {
            command = step.command->render(groups).text;
          } catch (const TemplateError&) {
            command = step.command->text() + "   (node sets resolved at run time)";
          }
          out += fmt::format("{} on {}: {}\n", head, site.self_name(), command);
          break;
        }
      }
    }
    for (const auto& name : phase.wait_for) render_gate(out, "wait for", name, book);
  }
  return out;
}

}  // namespace greenlight::runbook
