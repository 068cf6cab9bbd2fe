#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "greenlight/checks/check.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/runbook.h"
#include "greenlight/runbook/step_jobs.h"
#include "site_outline.h"
#include "step_reader.h"

namespace greenlight::runbook {
namespace {

namespace fs = std::filesystem;
using config::Diagnostics;
using config::MapReader;
using config::Mark;
using config::Value;
using Context = detail::LoaderContext;
using detail::read_step;

// A step's `id` names it for good (a run adopting an edited runbook maps
// its done steps by it): one step per id in a runbook.
void check_step_id(Context& ctx, const Step& step, const Runbook& book, const Phase& phase,
                   const std::string& what) {
  if (step.id.empty()) return;
  static const std::regex kId("[a-z0-9][a-z0-9_-]*");
  if (!std::regex_match(step.id, kId)) {
    ctx.diagnostics.error(step.mark,
                          fmt::format("{}: id '{}': a step id is lower-case letters, digits, '-' "
                                      "and '_'",
                                      what, step.id));
    return;
  }
  auto same = [&step](const Step& other) { return other.id == step.id; };
  bool taken = std::any_of(phase.steps.begin(), phase.steps.end(), same);
  for (const auto& other : book.phases) {
    taken = taken || std::any_of(other.steps.begin(), other.steps.end(), same);
  }
  if (taken) {
    ctx.diagnostics.error(step.mark,
                          fmt::format("{}: id '{}' is already another step's", what, step.id),
                          "every step id is unique within its runbook");
  }
}

// The check a gate reads with its own `expect` or parameters is built now,
// as a run would build it, so that a mistyped or misplaced parameter is an
// error at load (file:line:col), not a gate UNKNOWN for its whole wait. It is
// built against the loader's groups: the site's, and the sources known only
// while a run goes on (@vm:, @run:, @remedy:) as empty placeholders, so that
// a group such a source lacks is still an error here.
void check_gate_variant(Context& ctx, const GateCheck& gate_check, const std::string& what) {
  if (gate_check.overrides.entries.empty() && gate_check.expect == "ok") return;
  const config::CheckSpec* spec = nullptr;
  for (const auto& check : ctx.site.checks) {
    if (check.name == gate_check.check) spec = &check;
  }
  if (spec == nullptr) return;  // reported above
  const GroupResolver& groups = *ctx.groups;
  config::Diagnostics built;
  try {
    if (checks::make_check(gate_check_spec(*spec, gate_check), ctx.site, groups, built)) return;
  } catch (const std::exception& error) {
    ctx.diagnostics.error(gate_check.mark, fmt::format("{}: check '{}': {}", what,
                                                       gate_check.check, error.what()));
    return;
  }
  for (const auto& e : built.errors()) ctx.diagnostics.error(e.mark, e.message, e.hint);
}

std::optional<Gate> read_gate(Context& ctx, const std::string& name, const Value& value,
                              const Mark& mark) {
  const std::string what = fmt::format("gate '{}'", name);
  MapReader reader(value, ctx.diagnostics, what, "runbook: gate");
  Gate gate;
  gate.name = name;
  gate.mark = mark;
  gate.description = reader.string("description").value_or("");
  gate.stable_for = reader.duration("stable_for").value_or(gate.stable_for);
  gate.timeout = reader.positive_duration("timeout").value_or(gate.timeout);
  gate.on_timeout = reader.string("on_timeout").value_or("");
  if (const Value* remedy = reader.get("remedy")) gate.remedy = detail::read_remedy(ctx, *remedy, what);
  const Value* checks = reader.require("checks");
  reader.finish();
  if (checks == nullptr) return gate;
  if (!checks->is_sequence() || checks->items.empty()) {
    ctx.diagnostics.error(checks->mark,
                          fmt::format("{}: checks: expected a list of `- check: NAME`", what));
    return gate;
  }
  std::vector<std::string> known;
  for (const auto& check : ctx.site.checks) known.push_back(check.name);
  for (const auto& item : checks->items) {
    MapReader check_reader(item, ctx.diagnostics, fmt::format("{}: check", what),
                           "runbook: gate: check");
    GateCheck gate_check;
    gate_check.mark = item.mark;
    gate_check.check = check_reader.string("check", true).value_or("");
    gate_check.expect = check_reader.string("expect").value_or("ok");
    gate_check.stable_for = check_reader.duration("stable_for");
    gate_check.overrides.kind = Value::Kind::kMapping;
    if (item.is_mapping()) {
      for (const auto& entry : item.entries) {
        if (entry.first.scalar != "check" && entry.first.scalar != "expect" &&
            entry.first.scalar != "stable_for")
          gate_check.overrides.entries.push_back(entry);
      }
    }
    if (!gate_check.check.empty() &&
        std::find(known.begin(), known.end(), gate_check.check) == known.end()) {
      auto hint = config::closest(gate_check.check, known);
      ctx.diagnostics.error(
          item.find("check")->mark,
          fmt::format("{}: no check named '{}' in the site's checks", what, gate_check.check),
          hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
    }
    // A hold as long as the timeout can never be met: the gate would time
    // out every time, green or not.
    const auto hold = gate_check.stable_for.value_or(gate.stable_for);
    if (hold >= gate.timeout) {
      const Value* at = item.find("stable_for");
      ctx.diagnostics.error(
          at != nullptr ? at->mark : item.mark,
          fmt::format("{}: check '{}' must be green for {} ms, not less than the gate's timeout "
                      "({} ms): the gate could never open",
                      what, gate_check.check, hold.count(), gate.timeout.count()),
          "make the stable_for shorter than the timeout");
    }
    check_gate_variant(ctx, gate_check, what);
    gate.checks.push_back(std::move(gate_check));
  }
  return gate;
}

void check_gate_names(Context& ctx, const Value* list, const std::vector<std::string>& names,
                      const Runbook& book, std::string_view what) {
  if (list == nullptr) return;
  std::vector<std::string> known;
  for (const auto& gate : book.gates) known.push_back(gate.name);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (book.gate(names[i]) != nullptr) continue;
    const Mark& mark =
        list->is_sequence() && i < list->items.size() ? list->items[i].mark : list->mark;
    auto hint = config::closest(names[i], known);
    ctx.diagnostics.error(
        mark, fmt::format("{}: no gate named '{}' in this runbook's gates", what, names[i]),
        hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
  }
}

struct Parsed {
  Runbook book;
  std::vector<std::string> sequence;
  Mark sequence_mark;
};

Parsed read_runbook(Context& ctx, const Value& root, const std::string& default_name,
                    const fs::path& file) {
  Parsed parsed;
  Runbook& book = parsed.book;
  book.file = file;
  MapReader top(root, ctx.diagnostics, fmt::format("runbook '{}'", default_name), "runbook");
  book.name = top.string("runbook").value_or(default_name);
  book.description = top.string("description").value_or("");
  book.concurrent_runs = top.boolean("concurrent_runs").value_or(false);
  parsed.sequence = top.strings("sequence").value_or(std::vector<std::string>{});
  if (const Value* v = root.find("sequence")) parsed.sequence_mark = v->mark;
  const Value* gates = top.get("gates");
  const Value* phases = top.get("phases");
  top.finish();
  const std::string what = fmt::format("runbook '{}'", book.name);
  if (gates != nullptr) {
    if (!gates->is_mapping()) {
      ctx.diagnostics.error(
          gates->mark, fmt::format("{}: gates: expected a mapping of gate names to gates", what));
    } else {
      for (const auto& [name, gate] : gates->entries) {
        if (auto g = read_gate(ctx, name.scalar, gate, name.mark))
          book.gates.push_back(std::move(*g));
      }
    }
  }
  if (phases == nullptr && parsed.sequence.empty()) {
    ctx.diagnostics.error(root.mark, fmt::format("{}: 'phases' (or 'sequence') is required", what));
  }
  if (phases != nullptr && !parsed.sequence.empty()) {
    ctx.diagnostics.error(phases->mark,
                          fmt::format("{}: 'phases' and 'sequence' exclude each other", what));
  }
  if (phases == nullptr) return parsed;
  if (!phases->is_sequence()) {
    ctx.diagnostics.error(phases->mark, fmt::format("{}: phases: expected a list of phases", what));
    return parsed;
  }
  static const std::regex kName("[a-z0-9][a-z0-9_-]*");
  for (const auto& item : phases->items) {
    MapReader reader(item, ctx.diagnostics, fmt::format("{}: phase", what), "runbook: phase");
    Phase phase;
    phase.mark = item.mark;
    phase.name = reader.string("name", true).value_or("");
    const std::string phase_what = fmt::format("phase '{}'", phase.name);
    if (!phase.name.empty() && !std::regex_match(phase.name, kName)) {
      ctx.diagnostics.error(
          item.find("name")->mark,
          fmt::format("{}: a phase name is lower-case letters, digits, '-' and '_'", phase_what));
    }
    // A phase without a name is reported missing above, not as a duplicate.
    if (!phase.name.empty() &&
        std::any_of(book.phases.begin(), book.phases.end(),
                    [&](const Phase& p) { return p.name == phase.name; })) {
      ctx.diagnostics.error(item.find("name")->mark,
                            fmt::format("{}: defined twice in {}", phase_what, what));
    }
    phase.title = reader.string("title").value_or("");
    phase.require = reader.strings("require").value_or(std::vector<std::string>{});
    phase.wait_for = reader.strings("wait_for").value_or(std::vector<std::string>{});
    check_gate_names(ctx, item.find("require"), phase.require, book, phase_what);
    check_gate_names(ctx, item.find("wait_for"), phase.wait_for, book, phase_what);
    if (const Value* steps = reader.get("steps")) {
      if (!steps->is_sequence()) {
        ctx.diagnostics.error(steps->mark,
                              fmt::format("{}: steps: expected a list of steps", phase_what));
      } else {
        int number = 0;
        for (const auto& step : steps->items) {
          ++number;
          if (auto s = read_step(ctx, step, fmt::format("{} step {}", phase_what, number))) {
            check_step_id(ctx, *s, book, phase, fmt::format("{} step {}", phase_what, number));
            phase.steps.push_back(std::move(*s));
          }
        }
      }
    }
    reader.finish();
    book.phases.push_back(std::move(phase));
  }
  return parsed;
}

}  // namespace

const char* to_string(StepKind kind) {
  switch (kind) {
    case StepKind::kRun:
      return "run";
    case StepKind::kPower:
      return "power";
    case StepKind::kConfirm:
      return "confirm";
    case StepKind::kManual:
      return "manual";
    case StepKind::kSaveGroup:
      return "save_group";
    case StepKind::kSelfPoweroff:
      return "self_poweroff";
  }
  return "?";
}

const Gate* Runbook::gate(std::string_view gate_name) const {
  auto it =
      std::find_if(gates.begin(), gates.end(), [&](const Gate& g) { return g.name == gate_name; });
  return it == gates.end() ? nullptr : &*it;
}

bool Runbook::destructive() const {
  for (const auto& phase : phases) {
    for (const auto& step : phase.steps) {
      if (step.kind == StepKind::kRun || step.kind == StepKind::kPower ||
          step.kind == StepKind::kSelfPoweroff) {
        return true;
      }
    }
  }
  return false;
}

std::vector<Runbook> load_runbooks(const config::Site& site, Diagnostics& diagnostics) {
  Context ctx{site, diagnostics, site.group_resolver()};
  detail::add_placeholder_sources(*ctx.groups);
  std::vector<Parsed> parsed;
  for (const auto& directory : site.runbook_directories) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) {
      diagnostics.error(Mark{site.file.string(), 0, 0},
                        fmt::format("runbooks: directory {} does not exist", directory.string()));
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      Value root = config::load_yaml_file(file, diagnostics);
      if (!root.is_null()) parsed.push_back(read_runbook(ctx, root, file.stem().string(), file));
    }
  }
  for (const auto& [name, root] : site.runbooks)
    parsed.push_back(read_runbook(ctx, root, name, site.file));

  std::vector<Runbook> books;
  for (auto& p : parsed) {
    if (std::any_of(books.begin(), books.end(),
                    [&](const Runbook& b) { return b.name == p.book.name; })) {
      diagnostics.error(Mark{p.book.file.string(), 0, 0},
                        fmt::format("runbook '{}' is defined twice", p.book.name));
      continue;
    }
    if (p.sequence.empty()) books.push_back(p.book);
  }
  for (auto& p : parsed) {
    if (p.sequence.empty()) continue;
    Runbook book = p.book;
    for (const auto& part : p.sequence) {
      auto found = std::find_if(books.begin(), books.end(),
                                [&](const Runbook& b) { return b.name == part; });
      if (found == books.end()) {
        diagnostics.error(p.sequence_mark,
                          fmt::format("runbook '{}': sequence names '{}', which is not a runbook "
                                      "with phases",
                                      book.name, part));
        continue;
      }
      for (const auto& gate : found->gates) {
        if (book.gate(gate.name) == nullptr) book.gates.push_back(gate);
      }
      for (const auto& phase : found->phases) {
        if (std::any_of(book.phases.begin(), book.phases.end(),
                        [&](const Phase& q) { return q.name == phase.name; })) {
          diagnostics.error(p.sequence_mark,
                            fmt::format("runbook '{}': phase '{}' comes twice in the sequence",
                                        book.name, phase.name));
        }
        book.phases.push_back(phase);
      }
    }
    books.push_back(std::move(book));
  }
  for (auto& book : books) book.site_parts = detail::site_outline(book, site);
  return books;
}

}  // namespace greenlight::runbook
