#include "greenlight/runbook/step_jobs.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

namespace greenlight::runbook {
namespace {

NodeSet parse_set(const std::string& text, const config::Site& site, const GroupResolver& groups) {
  try {
    return NodeSet::parse(site.with_self_named(text), &groups);
  } catch (const std::exception& error) {
    throw std::runtime_error(fmt::format("node set '{}': {}", text, error.what()));
  }
}

}  // namespace

NodeSet step_nodes(const Step& step, const config::Site& site, const GroupResolver& groups) {
  NodeSet nodes = parse_set(step.nodes, site, groups);
  if (!step.exclude.empty()) nodes.difference_update(parse_set(step.exclude, site, groups));
  return nodes;
}

ResolvedStep resolve_step(const Step& step, const config::Site& site, const GroupResolver& groups,
                          const std::optional<std::string>& only_nodes) {
  ResolvedStep out;
  out.nodes = only_nodes ? parse_set(*only_nodes, site, groups) : step_nodes(step, site, groups);
  check_node_ceiling(out.nodes.size(), fmt::format("{}{}", step.nodes,
                                                   step.exclude.empty() ? "" : " -x " + step.exclude));
  out.timeout = step.timeout;
  if (step.kind == StepKind::kRun) {
    if (out.timeout.count() == 0) out.timeout = site.ssh.command_timeout;
    const RenderedCommand rendered = step.command->render(groups);
    out.nothing_to_do = rendered.has_empty_expansion || out.nodes.size() == 0;
    if (out.nothing_to_do) return out;
    for (const auto& node : out.nodes.expand()) out.jobs.push_back({node, rendered.text, false});
  } else if (step.kind == StepKind::kPower) {
    if (out.timeout.count() == 0) out.timeout = site.power.timeout;
    out.nothing_to_do = out.nodes.size() == 0;
    for (const auto& node : out.nodes.expand())
      out.jobs.push_back({node, power_command(site, node, step.power_action), true});
  } else {
    throw std::logic_error(fmt::format("resolve_step: a {} step has no jobs", to_string(step.kind)));
  }
  return out;
}

}  // namespace greenlight::runbook
