#include "greenlight/runbook/plan.h"

#include <fmt/format.h>

#include "greenlight/core/nodeset.h"

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

std::string nodes_of(const Step& step, const config::Site& site, const GroupResolver& groups) {
  if (step.nodes == "self") {
    const auto* self = site.self_host();
    return self != nullptr ? fmt::format("{} (self)", self->name) : "self";
  }
  try {
    NodeSet set = NodeSet::parse(step.nodes, &groups);
    if (!step.exclude.empty()) {
      if (step.exclude == "self" && site.self_host() != nullptr) {
        set.difference_update(NodeSet::parse(site.self_host()->name));
      } else {
        set.difference_update(NodeSet::parse(step.exclude, &groups));
      }
    }
    return fmt::format("{} ({} node{})", set.fold(), set.size(), set.size() == 1 ? "" : "s");
  } catch (const std::exception&) {
    return fmt::format("{}{} (resolved at run time)", step.nodes,
                       step.exclude.empty() ? "" : " -x " + step.exclude);
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
          out +=
              fmt::format("{} {} on {}\n", head, step.power_action, nodes_of(step, site, groups));
          break;
        case StepKind::kRun:
        case StepKind::kSelfPoweroff: {
          std::string command;
          try {
            command = step.command->render(groups).text;
          } catch (const TemplateError&) {
            command = step.command->text() + "   (node sets resolved at run time)";
          }
          if (step.kind == StepKind::kRun) {
            out +=
                fmt::format("{} on {}:\n      {}\n", head, nodes_of(step, site, groups), command);
            std::string codes;
            for (int code : step.allowed_exit_codes)
              codes += (codes.empty() ? "" : ",") + std::to_string(code);
            out += fmt::format("      exit codes {}; {} failed node{} allowed; {} retr{}{}\n",
                               codes, step.max_failed_nodes, step.max_failed_nodes == 1 ? "" : "s",
                               step.retries, step.retries == 1 ? "y" : "ies",
                               step.idempotent ? "; idempotent" : "");
          } else {
            const auto* self = site.self_host();
            out +=
                fmt::format("{} on {}: {}\n", head, self != nullptr ? self->name : "self", command);
          }
          break;
        }
      }
    }
    for (const auto& name : phase.wait_for) render_gate(out, "wait for", name, book);
  }
  return out;
}

}  // namespace greenlight::runbook
