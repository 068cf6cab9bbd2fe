#include "greenlight/control/published_readiness.h"

#include <fmt/format.h>

#include <map>

namespace greenlight::control {

exporter::RunbookReadiness readiness_state(const runbook::ReadinessReport& report) {
  exporter::RunbookReadiness out;
  out.runbook = report.book->name;
  out.blocks = report.blocks();
  out.summary = report.summary();
  for (const auto& gate : report.gates) {
    exporter::ReadinessGateState state;
    state.gate = gate.use.gate->name;
    state.phase = gate.use.phase;
    state.description = gate.use.gate->description;
    state.before_first_step = gate.use.before_first_step;
    state.blocks = gate.blocks();
    for (const auto& check : gate.checks) {
      exporter::ReadinessCheckState one;
      one.check = check.check;
      one.evaluated = check.evaluated;
      one.nodes = check.nodes;
      one.status = std::string(checks::to_string(check.result.status));
      one.message = check.result.message;
      one.blocks = check.blocks;
      one.why = check.why;
      if (check.result.finished != std::chrono::system_clock::time_point{}) {
        one.evidence = check.result.finished;
        if (!out.oldest_evidence || *one.evidence < *out.oldest_evidence)
          out.oldest_evidence = one.evidence;
      }
      state.checks.push_back(std::move(one));
    }
    out.gates.push_back(std::move(state));
  }
  return out;
}

std::vector<exporter::RunbookReadiness> judge_runbooks(const config::Site& site,
                                                       const GroupResolver& groups,
                                                       const std::vector<runbook::Runbook>& books,
                                                       const checks::Scheduler& scheduler) {
  std::vector<exporter::RunbookReadiness> out;
  for (const auto& book : books) {
    runbook::ReadinessReport report = runbook::plan_readiness(site, groups, book);
    std::map<std::string, checks::CheckResult> not_run;
    runbook::judge_readiness(
        report,
        [&](const std::string& source) -> const checks::CheckResult* {
          if (scheduler.knows(source)) return scheduler.latest(source);
          return &not_run
                      .emplace(source, checks::unknown_result(fmt::format(
                                           "not evaluated yet: greenlight serve runs this check "
                                           "once a run waits on its gate; `greenlight runbook "
                                           "check {}` runs it now",
                                           book.name)))
                      .first->second;
        },
        "not evaluated yet: its first run has not finished");
    out.push_back(readiness_state(report));
  }
  return out;
}

}  // namespace greenlight::control
