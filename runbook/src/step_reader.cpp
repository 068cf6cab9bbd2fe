#include "step_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenlight/checks/fleet.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/step_jobs.h"

namespace greenlight::runbook::detail {
namespace {

using config::Diagnostics;
using config::MapReader;
using config::Mark;
using config::Value;

// Groups a run records while it runs (@run:vms_at_shutdown): known and empty
// while validating.
class RunGroupPlaceholder : public GroupSource {
 public:
  std::optional<std::string> map(std::string_view) const override { return std::string(); }
  std::vector<std::string> list() const override { return {}; }
  std::optional<std::string> all() const override { return std::string(); }
};

}  // namespace

std::vector<std::string> node_expression_sets(const std::string& expression) {
  const auto x = expression.find(" -x ");
  if (x == std::string::npos) return {expression};
  return {expression.substr(0, x), expression.substr(x + 4)};
}

namespace {

Mark mark_at(const Value& value, std::size_t offset) {
  Mark mark = value.mark;
  if (value.scalar.find('\n') == std::string::npos && !value.quoted)
    mark.column += static_cast<int>(offset);
  return mark;
}

void check_nodes(LoaderContext& ctx, const Value& where, const std::string& nodes,
                 std::string_view what) {
  const std::string named = ctx.site.with_self_named(nodes);
  if (named != nodes && ctx.site.self_host() == nullptr) {
    ctx.diagnostics.error(
        where.mark, fmt::format("{}: 'self' needs a host marked 'self: true' in hosts", what));
    return;
  }
  try {
    // Refused by its size, before its names take memory (node_ceiling()).
    check_node_ceiling(NodeSet::parse(named, ctx.groups.get()).size(), nodes);
  } catch (const std::exception& error) {
    ctx.diagnostics.error(where.mark, fmt::format("{}: {}", what, error.what()));
  }
}

std::optional<CommandTemplate> read_command(LoaderContext& ctx, MapReader& reader,
                                            std::string_view what, bool required) {
  const Value* value = required ? reader.require("command") : reader.get("command");
  if (value == nullptr) return std::nullopt;
  auto text = config::read_string(*value, ctx.diagnostics, fmt::format("{}: command", what));
  if (!text) return std::nullopt;
  try {
    CommandTemplate parsed = CommandTemplate::parse(*text);
    // Every node set the command expands must resolve now (groups the site
    // lacks are an error here, not a failed step in the middle of a run).
    for (const auto& expression : parsed.node_expressions()) {
      for (const auto& set : node_expression_sets(expression))
        check_nodes(ctx, *value, set, fmt::format("{}: command", what));
    }
    return parsed;
  } catch (const TemplateError& error) {
    ctx.diagnostics.error(mark_at(*value, error.offset()),
                          fmt::format("{}: command: {}", what, error.what()));
    return std::nullopt;
  }
}

// The groups a remedy's steps read (remedy.h): known and empty while validating.
class RemedyGroupPlaceholder : public GroupSource {
 public:
  std::optional<std::string> map(std::string_view group) const override {
    if (group == "vms" || group == "hosts") return std::string();
    return std::nullopt;
  }
  std::vector<std::string> list() const override { return {"hosts", "vms"}; }
  std::optional<std::string> all() const override { return std::string(); }
};

// A node set or command of an ordinary step reading @remedy: would fail in
// the middle of a run: those groups exist only while a remedy runs.
void refuse_remedy_groups(LoaderContext& ctx, const Value& body, std::string_view what) {
  auto reads = [](const Value& v) {
    return v.is_scalar() && v.scalar.find("@remedy:") != std::string::npos;
  };
  if (!body.is_mapping()) return;
  for (const auto& [key, value] : body.entries) {
    if (reads(value)) {
      ctx.diagnostics.error(
          value.mark, fmt::format("{}: {}: @remedy: groups exist only in a gate's remedy steps",
                                  what, key.scalar));
    }
  }
}

}  // namespace

std::optional<Step> read_step(LoaderContext& ctx, const Value& value, std::string_view what,
                              bool in_remedy) {
  static const std::vector<std::pair<std::string, StepKind>> kKinds = {
      {"run", StepKind::kRun},
      {"power", StepKind::kPower},
      {"confirm", StepKind::kConfirm},
      {"manual", StepKind::kManual},
      {"save_group", StepKind::kSaveGroup},
      {"self_poweroff", StepKind::kSelfPoweroff}};
  if (!value.is_mapping() || value.entries.size() != 1) {
    ctx.diagnostics.error(
        value.mark, fmt::format("{}: a step is one of run, power, confirm, manual, save_group, "
                                "self_poweroff, written as `- run: {{...}}`",
                                what));
    return std::nullopt;
  }
  const Value& key = value.entries.front().first;
  const Value& body = value.entries.front().second;
  auto kind = std::find_if(kKinds.begin(), kKinds.end(),
                           [&](const auto& k) { return k.first == key.scalar; });
  if (kind == kKinds.end()) {
    std::vector<std::string> names;
    for (const auto& k : kKinds) names.push_back(k.first);
    auto hint = config::closest(key.scalar, names);
    ctx.diagnostics.error(key.mark, fmt::format("{}: unknown step '{}'", what, key.scalar),
                          hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
    return std::nullopt;
  }
  Step step;
  step.kind = kind->second;
  step.mark = key.mark;
  const std::string step_what = fmt::format("{} ({})", what, key.scalar);
  if (!in_remedy) refuse_remedy_groups(ctx, body, step_what);
  if (step.kind == StepKind::kConfirm || step.kind == StepKind::kManual) {
    auto text = config::read_string(body, ctx.diagnostics, step_what);
    if (!text) return std::nullopt;
    step.text = *text;
    return step;
  }
  MapReader reader(body, ctx.diagnostics, step_what, "runbook: step: " + key.scalar);
  step.id = reader.string("id").value_or("");
  if (step.kind == StepKind::kRun || step.kind == StepKind::kPower ||
      step.kind == StepKind::kSaveGroup) {
    const char* nodes_key = step.kind == StepKind::kSaveGroup ? "nodes" : "on";
    step.nodes = reader.string(nodes_key, true).value_or("");
    step.exclude = reader.string("exclude").value_or("");
    if (const Value* v = body.find(nodes_key); v != nullptr && !step.nodes.empty()) {
      check_nodes(ctx, *v, step.nodes, fmt::format("{}: {}", step_what, nodes_key));
    }
    if (const Value* v = body.find("exclude"); v != nullptr && !step.exclude.empty()) {
      check_nodes(ctx, *v, step.exclude, fmt::format("{}: exclude", step_what));
    }
  }
  switch (step.kind) {
    case StepKind::kRun:
      step.command = read_command(ctx, reader, step_what, true);
      step.fanout = static_cast<int>(reader.integer("fanout", false, 1, 4096).value_or(0));
      step.timeout = reader.positive_duration("timeout").value_or(step.timeout);
      step.retries = static_cast<int>(reader.integer("retries", false, 0, 100).value_or(0));
      step.retry_delay = reader.duration("retry_delay").value_or(step.retry_delay);
      step.max_failed_nodes =
          static_cast<int>(reader.integer("max_failed_nodes", false, 0, 1'000'000).value_or(0));
      step.idempotent = reader.boolean("idempotent").value_or(false);
      if (const Value* codes = reader.get("allowed_exit_codes")) {
        step.allowed_exit_codes.clear();
        if (!codes->is_sequence()) {
          ctx.diagnostics.error(
              codes->mark,
              fmt::format("{}: allowed_exit_codes: expected a list of exit codes", step_what));
        } else {
          for (const auto& item : codes->items) {
            auto code = config::read_integer(item, ctx.diagnostics,
                                             fmt::format("{}: allowed_exit_codes", step_what));
            if (code && (*code < 0 || *code > 255)) {
              ctx.diagnostics.error(item.mark,
                                    fmt::format("{}: exit codes are 0 to 255", step_what));
            } else if (code) {
              step.allowed_exit_codes.push_back(static_cast<int>(*code));
            }
          }
        }
      }
      break;
    case StepKind::kPower:
      step.power_action =
          reader.choice("action", {"on", "off", "status", "cycle"}, true).value_or("");
      step.timeout = reader.positive_duration("timeout").value_or(step.timeout);
      step.retries = static_cast<int>(reader.integer("retries", false, 0, 100).value_or(0));
      if (ctx.site.power.command.empty()) {
        ctx.diagnostics.error(
            key.mark, fmt::format("{}: the site has no BMC command for power steps", step_what),
            "add power: {command: \"ipmitool -I lanplus -H {bmc} ... chassis power {action}\"}");
      } else if (ctx.site.power.command.find("{bmc}") != std::string::npos) {
        // Every host a power step touches needs a BMC address, known now.
        try {
          std::vector<std::string> missing;
          const NodeSet touched = step_nodes(step, ctx.site, *ctx.groups);
          check_node_ceiling(touched.size(), step.nodes);
          for (const auto& node : touched.expand()) {
            const config::Host* host = ctx.site.host(node);
            if (host == nullptr || host->bmc.empty()) missing.push_back(node);
          }
          if (!missing.empty()) {
            ctx.diagnostics.error(
                body.find("on") != nullptr ? body.find("on")->mark : key.mark,
                fmt::format("{}: {} ha{} no BMC address", step_what,
                            NodeSet::from_names(missing).fold(), missing.size() == 1 ? "s" : "ve"),
                "hosts: NAME: {bmc: ADDRESS}");
          }
        } catch (const std::exception&) {
          // A group resolved at run time: its hosts are checked when the step runs.
        }
      }
      break;
    case StepKind::kSaveGroup:
      step.group = reader.string("name", true).value_or("");
      step.fallback = reader.string("fallback").value_or("");
      if (const Value* v = body.find("fallback"); v != nullptr && !step.fallback.empty()) {
        check_nodes(ctx, *v, step.fallback, fmt::format("{}: fallback", step_what));
      }
      break;
    case StepKind::kSelfPoweroff:
      step.command = read_command(ctx, reader, step_what, true);
      if (ctx.site.self_host() == nullptr) {
        ctx.diagnostics.error(
            key.mark, fmt::format("{}: needs a host marked 'self: true' in hosts", step_what));
      }
      break;
    default:
      break;
  }
  reader.finish();
  return step;
}

void add_placeholder_sources(GroupResolver& groups) {
  groups.add_source("run", std::make_shared<RunGroupPlaceholder>());
  groups.add_source("remedy", std::make_shared<RemedyGroupPlaceholder>());
}

std::optional<Remedy> read_remedy(LoaderContext& ctx, const Value& value, std::string_view what) {
  const std::string remedy_what = fmt::format("{}: remedy", what);
  MapReader reader(value, ctx.diagnostics, remedy_what, "runbook: gate: remedy");
  Remedy remedy;
  remedy.mark = value.mark;
  remedy.after = reader.duration("after").value_or(remedy.after);
  remedy.attempts = static_cast<int>(reader.integer("attempts", false, 1, 100).value_or(1));
  if (auto states = reader.strings("states")) {
    const auto& known = checks::fleet_vm_groups();
    for (const auto& state : *states) {
      if (std::find(known.begin(), known.end(), state) == known.end()) {
        auto hint = config::closest(state, known);
        ctx.diagnostics.error(
            value.find("states")->mark,
            fmt::format("{}: states: '{}' is not a fleet sub-state", remedy_what, state),
            hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
      }
    }
    remedy.states = *states;
  }
  const Value* steps = reader.require("steps");
  reader.finish();
  if (steps == nullptr) return std::nullopt;
  if (!steps->is_sequence() || steps->items.empty()) {
    ctx.diagnostics.error(
        steps->mark, fmt::format("{}: steps: expected a list of `- run: {{...}}`", remedy_what));
    return std::nullopt;
  }
  int number = 0;
  for (const auto& item : steps->items) {
    ++number;
    auto step = read_step(ctx, item, fmt::format("{} step {}", remedy_what, number), true);
    if (!step) continue;
    if (step->kind != StepKind::kRun) {
      ctx.diagnostics.error(step->mark, fmt::format("{} step {}: a remedy runs `run` steps only, "
                                                    "not {}",
                                                    remedy_what, number, to_string(step->kind)));
      continue;
    }
    if (step->retries > 0) {
      ctx.diagnostics.error(step->mark, fmt::format("{} step {}: a remedy step is not retried "
                                                    "(the remedy is: attempts)",
                                                    remedy_what, number));
    }
    if (!step->id.empty()) {
      ctx.diagnostics.error(step->mark, fmt::format("{} step {}: a remedy step has no id (the "
                                                    "remedy is journaled by its gate)",
                                                    remedy_what, number));
    }
    remedy.steps.push_back(std::move(*step));
  }
  return remedy;
}

}  // namespace greenlight::runbook::detail
