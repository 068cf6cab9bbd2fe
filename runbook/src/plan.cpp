#include "greenlight/runbook/plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/gate.h"
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
                        const GroupResolver& groups, const NodeSet* excluded) {
  const std::string what =
      step.kind == StepKind::kPower ? fmt::format("{} {}", head, step.power_action) : head;
  try {
    const ResolvedStep resolved = resolve_step(step, site, groups, std::nullopt, excluded);
    if (resolved.nothing_to_do) {
      return fmt::format("{} on {}: nothing to do, skipped ({})\n", what,
                         resolved.nodes.size() == 0 ? "no node" : count_of(resolved.nodes),
                         empty_reason(resolved));
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
      const NodeSet set = step_nodes(step, site, groups, excluded);
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

// Which node set a save_group step saves in this run, and why.
std::string render_save_group(const std::string& head, const Step& step, const config::Site& site,
                              GroupResolver& groups, const NodeSet* excluded,
                              std::map<std::string, std::string>& saved,
                              std::map<std::string, std::string, std::less<>>& resolved) {
  const std::string missing = missing_run_group(step.nodes, saved);
  saved[step.group] = "";  // later steps of this run have it
  Step now = step;
  const std::string minus = step.exclude.empty() ? "" : " -x " + step.exclude;
  std::string why;
  if (!missing.empty() && !step.fallback.empty()) {
    now.nodes = step.fallback;
    why = fmt::format(
        "\n      this run has no @run:{} (saved in the same run, e.g. by shutdown in restart, or "
        "given with --from-run RUN): saves {}",
        missing, step.fallback);
  } else if (!step.fallback.empty()) {
    why = fmt::format("\n      saves {} (this run has it; else it would save {})", step.nodes,
                      step.fallback);
  }
  try {
    const NodeSet nodes = step_nodes(now, site, groups, excluded);
    // Later steps of the plan read it as the run will.
    resolved[step.group] = nodes.fold();
    groups.add_source("run", std::make_shared<StaticGroupSource>(resolved));
    return fmt::format("{}: @run:{} = {}{} = {}{}\n", head, step.group, now.nodes, minus,
                       count_of(nodes), why);
  } catch (const std::exception&) {
    return fmt::format("{}: @run:{} = {}{} (resolved at run time){}\n", head, step.group,
                       now.nodes, minus, why);
  }
}

void render_gate(std::string& out, const char* label, const std::string& name,
                 const Runbook& book, const config::Site& site, const GroupResolver& groups,
                 const NodeSet* excluded) {
  const Gate* written = book.gate(name);
  if (written == nullptr) return;
  out += fmt::format("   {} {}: {}\n", label, written->name, written->description);
  Gate rewritten;
  const Gate* gate = written;
  if (excluded != nullptr) {
    // As exec waits on it (gate_for_run); a group known only at run time
    // leaves the gate as written, the exclusion applied when it is waited on.
    try {
      rewritten = gate_for_run(*written, site, groups, excluded);
      gate = &rewritten;
    } catch (const std::exception&) {
      out += fmt::format("      (node sets resolved at run time, minus {})\n", excluded->fold());
    }
  }
  for (const auto& check : gate->checks) {
    std::string overrides;
    for (const auto& [key, value] : check.overrides.entries) {
      overrides +=
          fmt::format(", {}={}", key.scalar, value.is_scalar() ? value.scalar : value.describe());
    }
    if (check.stable_for)
      overrides += fmt::format(", green for {} (its own)", duration(*check.stable_for));
    out += fmt::format("      - check {} expect {}{}\n", check.check, check.expect, overrides);
  }
  out += fmt::format("      green for {}, at most {}\n", duration(gate->stable_for),
                     duration(gate->timeout));
  if (!gate->remedy) return;
  const Remedy& remedy = *gate->remedy;
  std::string states;
  for (const auto& state : remedy.states) states += (states.empty() ? "" : ",") + state;
  out += fmt::format(
      "      remedy: still red {} into the wait, at most {} attempt{}, on the VMs that keep it "
      "red ({}: @remedy:vms) and their hypervisors (@remedy:hosts); then the gate waits again\n",
      duration(remedy.after), remedy.attempts, remedy.attempts == 1 ? "" : "s", states);
  int number = 0;
  for (const auto& step : remedy.steps) {
    // Under the gate: the step as exec resolves it, indented once more.
    const std::string block =
        render_jobs(fmt::format("   remedy step {} run", ++number), step, site, groups, excluded);
    for (std::size_t start = 0; start < block.size();) {
      const std::size_t end = std::min(block.find('\n', start), block.size() - 1);
      out += "    " + block.substr(start, end - start + 1);
      start = end + 1;
    }
  }
}

}  // namespace

std::string render_plan(const Runbook& book, const config::Site& site,
                        const PlanOptions& options) {
  GroupResolver groups;
  groups.add_source("site", site.group_resolver()->source("site"));
  groups.set_default("site");
  std::map<std::string, std::string, std::less<>> resolved(options.run_groups.begin(),
                                                           options.run_groups.end());
  if (!resolved.empty()) groups.add_source("run", std::make_shared<StaticGroupSource>(resolved));
  NodeSet excluded;
  if (!options.exclude.empty()) {
    try {
      excluded = NodeSet::parse(site.with_self_named(options.exclude), &groups);
    } catch (const std::exception& error) {
      throw std::runtime_error(fmt::format("--exclude '{}': {}", options.exclude, error.what()));
    }
  }
  const NodeSet* without = excluded.empty() ? nullptr : &excluded;
  // The @run: groups this run has at each step: --from-run's, then those
  // its save_group steps save.
  std::map<std::string, std::string> saved = options.run_groups;
  std::string out = fmt::format("runbook {} ({}): {} phases\n{}\n", book.name, book.file.string(),
                                book.phases.size(), book.description);
  if (!options.from_run.empty()) {
    out += fmt::format("with the groups saved by run {}:", options.from_run);
    for (const auto& [name, nodes] : options.run_groups)
      out += fmt::format(" @run:{}={}", name, nodes.empty() ? "(empty)" : nodes);
    out += "\n";
  }
  if (without != nullptr)
    out += fmt::format("excluding {} from every step and gate\n", excluded.fold());
  int number = 0;
  for (const auto& phase : book.phases) {
    out += fmt::format("\n{}. {}{}\n", ++number, phase.name,
                       phase.title.empty() ? "" : " - " + phase.title);
    for (const auto& name : phase.require)
      render_gate(out, "require", name, book, site, groups, without);
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
          out += render_save_group(head, step, site, groups, without, saved, resolved);
          break;
        case StepKind::kPower:
        case StepKind::kRun:
          out += render_jobs(head, step, site, groups, without);
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
    for (const auto& name : phase.wait_for)
      render_gate(out, "wait for", name, book, site, groups, without);
  }
  return out;
}

}  // namespace greenlight::runbook
