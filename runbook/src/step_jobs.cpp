#include "greenlight/runbook/step_jobs.h"

#include <fmt/format.h>

#include <cctype>
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

NodeSet step_nodes(const Step& step, const config::Site& site, const GroupResolver& groups,
                   const NodeSet* excluded) {
  NodeSet nodes = parse_set(step.nodes, site, groups);
  if (!step.exclude.empty()) nodes.difference_update(parse_set(step.exclude, site, groups));
  if (excluded != nullptr) nodes.difference_update(*excluded);
  return nodes;
}

std::string empty_reason(const ResolvedStep& resolved) {
  return fmt::format("{} is empty", resolved.empty_set);
}

ResolvedStep resolve_step(const Step& step, const config::Site& site, const GroupResolver& groups,
                          const std::optional<std::string>& only_nodes, const NodeSet* excluded) {
  ResolvedStep out;
  if (only_nodes) {
    out.nodes = parse_set(*only_nodes, site, groups);
    if (excluded != nullptr) out.nodes.difference_update(*excluded);
  } else {
    out.nodes = step_nodes(step, site, groups, excluded);
  }
  const std::string written =
      only_nodes ? *only_nodes : step.exclude.empty() ? step.nodes : step.nodes + " -x " + step.exclude;
  if (out.nodes.size() == 0) {
    out.empty_set = written;
    if (excluded != nullptr) out.empty_set += " minus the excluded " + excluded->fold();
  }
  check_node_ceiling(out.nodes.size(), fmt::format("{}{}", step.nodes,
                                                   step.exclude.empty() ? "" : " -x " + step.exclude));
  out.timeout = step.timeout;
  if (step.kind == StepKind::kRun) {
    if (out.timeout.count() == 0) out.timeout = site.ssh.command_timeout;
    const RenderedCommand rendered = step.command->render(groups, excluded);
    out.nothing_to_do = rendered.has_empty_expansion || out.nodes.size() == 0;
    if (out.empty_set.empty()) out.empty_set = rendered.empty_set;
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

std::string missing_run_group(const std::string& text,
                              const std::map<std::string, std::string>& saved) {
  static constexpr std::string_view kRun = "@run:";
  for (auto at = text.find(kRun); at != std::string::npos; at = text.find(kRun, at + 1)) {
    auto end = at + kRun.size();
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                                 text[end] == '_' || text[end] == '-'))
      ++end;
    std::string name = text.substr(at + kRun.size(), end - at - kRun.size());
    if (saved.count(name) == 0) return name;
  }
  return {};
}

}  // namespace greenlight::runbook
