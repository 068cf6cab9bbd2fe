#include "greenlight/runbook/readiness.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace greenlight::runbook {

std::vector<GateUse> gate_uses(const Runbook& book) {
  std::vector<GateUse> out;
  std::set<std::string> seen;
  bool steps_seen = false;
  auto add = [&](const std::string& phase, const std::string& name, bool before) {
    const Gate* gate = book.gate(name);
    if (gate == nullptr || !seen.insert(name).second) return;
    out.push_back({phase, gate, before});
  };
  for (const auto& phase : book.phases) {
    for (const auto& name : phase.require) add(phase.name, name, !steps_seen);
    if (!phase.steps.empty()) steps_seen = true;
    for (const auto& name : phase.wait_for) add(phase.name, name, !steps_seen);
  }
  return out;
}

bool ReadinessGate::blocks() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const ReadinessCheck& check) { return check.blocks; });
}

bool ReadinessReport::blocks() const {
  return std::any_of(gates.begin(), gates.end(),
                     [](const ReadinessGate& gate) { return gate.blocks(); });
}

std::string ReadinessReport::summary() const {
  for (const auto& gate : gates) {
    if (!gate.blocks()) continue;
    std::string out = fmt::format("would block at gate {} (phase {}) because ", gate.use.gate->name,
                                  gate.use.phase);
    std::string reasons;
    for (const auto& check : gate.checks) {
      if (!check.blocks) continue;
      reasons += fmt::format("{}{}: {} ({})", reasons.empty() ? "" : "; ", check.evaluated,
                             check.why, check.result.message);
    }
    return out + reasons;
  }
  return fmt::format("ready: none of its {} gate{} would block now", gates.size(),
                     gates.size() == 1 ? "" : "s");
}

void judge_readiness(ReadinessCheck& check, bool before_first_step) {
  const auto status = check.result.status;
  if (before_first_step) {
    check.blocks = !check.result.green();
    if (check.blocks)
      check.why =
          fmt::format("{} now; the run waits here before its first step", to_string(status));
    return;
  }
  check.blocks = status == checks::Status::unknown;
  if (check.blocks)
    check.why = "cannot look now: on the day this gate would stay red for want of evidence";
}

std::string render_readiness(const Runbook& book, const std::vector<ReadinessGate>& gates) {
  std::string out = fmt::format("runbook {}: readiness of its gates\n", book.name);
  int blocking = 0;
  for (const auto& gate : gates) {
    const bool blocks = gate.blocks();
    blocking += blocks ? 1 : 0;
    out += fmt::format("\n{} gate {} (phase {}, {}): {}\n", blocks ? "BLOCKS" : "ok    ",
                       gate.use.gate->name, gate.use.phase,
                       gate.use.before_first_step ? "before the first step: must be green now"
                                                  : "later: its checks must be able to look",
                       gate.use.gate->description);
    for (const auto& check : gate.checks) {
      out += fmt::format("   {} {} {}: {}\n", check.blocks ? "x" : "-", check.evaluated,
                         to_string(check.result.status), check.result.message);
      if (check.blocks) out += fmt::format("       blocks: {}\n", check.why);
    }
  }
  out += fmt::format("\n{} of {} gate{} would block now\n", blocking, gates.size(),
                     gates.size() == 1 ? "" : "s");
  return out;
}

}  // namespace greenlight::runbook
