// The checks behind a runbook's gates, built as exec builds them, and their
// verdicts once results are in: shared by `runbook check` (which runs them)
// and greenlight serve (which reads its scheduler).
#include <fmt/format.h>

#include <array>
#include <string_view>

#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/readiness.h"

namespace greenlight::runbook {
namespace {

const config::CheckSpec* site_check(const config::Site& site, const std::string& name) {
  for (const auto& spec : site.checks) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string nodes_of(const config::CheckSpec& spec) {
  std::string out;
  for (const std::string_view key : {"targets", "peers", "vms", "hosts", "nodes"}) {
    const config::Value* value = spec.parameters.find(key);
    if (value == nullptr || !value->is_scalar()) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, value->scalar);
  }
  return out;
}

// The check a gate reference runs now: with the gate's expectation and
// parameters, its dynamic groups resolved as exec would (gate_for_run); the
// site's own check when those are known only at run time (@run: groups).
struct Planned {
  ReadinessProbe probe;
  std::string source;
  std::string evaluated;
  std::string nodes;
  std::string error;      // could not build either
  bool stand_in = false;  // the site's check stands in for a gate check known only at run time
};

Planned plan_check(const config::Site& site, const GroupResolver& groups, const Gate& gate,
                   const GateCheck& reference) {
  Planned out;
  out.probe.spec = site_check(site, reference.check);
  if (out.probe.spec == nullptr) {
    out.error = fmt::format("no check named '{}' in the site", reference.check);
    return out;
  }
  out.nodes = nodes_of(gate_check_spec(*out.probe.spec, reference));
  // Only a group a run saves (@run:NAME) cannot be known before the run;
  // anything else that cannot be built is "could not look", never the
  // site's plain check standing in for the gate's.
  const bool run_time_only = gate_check_key(reference).find("@run:") != std::string::npos;
  config::Diagnostics diagnostics;
  try {
    Gate one = gate;
    one.checks = {reference};
    one = gate_for_run(one, site, groups, nullptr);
    const config::CheckSpec derived = gate_check_spec(*out.probe.spec, one.checks.front());
    out.probe.check = checks::make_check(derived, site, groups, diagnostics);
    out.source = out.evaluated = derived.name;
    out.nodes = nodes_of(derived);
    if (!out.probe.check && !run_time_only) out.error = diagnostics.format();
  } catch (const std::exception& error) {
    if (!run_time_only) out.error = error.what();
  }
  if (!out.probe.check && run_time_only) {
    out.stand_in = true;
    config::Diagnostics plain;
    out.probe.check = checks::make_check(*out.probe.spec, site, groups, plain);
    out.source = out.probe.spec->name;
    out.nodes = nodes_of(*out.probe.spec);
    out.evaluated = fmt::format("{} (as the site's check: {} is known only at run time)",
                                reference.check, gate_check_key(reference));
    if (!out.probe.check) out.error = plain.format();
  }
  return out;
}

}  // namespace

ReadinessReport plan_readiness(const config::Site& site, const GroupResolver& groups,
                               const Runbook& book) {
  ReadinessReport report;
  report.book = &book;
  for (const auto& use : gate_uses(book)) {
    ReadinessGate gate{use, {}};
    for (const auto& reference : use.gate->checks) {
      Planned one = plan_check(site, groups, *use.gate, reference);
      ReadinessCheck check;
      check.check = reference.check;
      check.key = gate_check_key(reference);
      check.evaluated = one.evaluated.empty() ? check.key : one.evaluated;
      check.nodes = one.nodes;
      // A gate that must be green before the first step is judged on the
      // gate's own check or not at all.
      if (one.stand_in && use.before_first_step) {
        one.error =
            fmt::format("{} is known only at run time: not judged before the run", check.key);
        one.probe.check.reset();
        check.evaluated = check.key;
      }
      if (!one.error.empty() || !one.probe.check) {
        check.result = checks::unknown_result(
            one.error.empty() ? fmt::format("cannot build check '{}'", check.key) : one.error);
      } else {
        check.source = one.source;
        if (report.probes.count(one.source) == 0)
          report.probes.emplace(one.source, std::move(one.probe));
      }
      gate.checks.push_back(std::move(check));
    }
    report.gates.push_back(std::move(gate));
  }
  return report;
}

void judge_readiness(ReadinessReport& report, const ReadinessResults& results,
                     const std::string& missing) {
  for (auto& gate : report.gates) {
    for (auto& check : gate.checks) {
      if (!check.source.empty()) {
        const checks::CheckResult* found = results(check.source);
        check.result = found != nullptr ? *found : checks::unknown_result(missing);
      }
      judge_readiness(check, gate.use.before_first_step);
    }
  }
}

}  // namespace greenlight::runbook
