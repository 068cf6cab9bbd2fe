// greenlight runbook check NAME: runs, once and without any step, the checks
// behind every gate of the runbook and says which gates would block now.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>

#include "greenlight/checks/check.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/readiness.h"
#include "runbook_commands.h"
#include "runbook_wiring.h"

namespace greenlight::app {
namespace {

const config::CheckSpec* site_check(const config::Site& site, const std::string& name) {
  for (const auto& spec : site.checks) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The check a gate reference runs now: with the gate's expectation and
// parameters, its dynamic groups resolved as exec would (gate_for_run); the
// site's own check when those are known only at run time (@run: groups).
struct Planned {
  std::string evaluated;
  std::unique_ptr<checks::Check> check;
  const config::CheckSpec* spec = nullptr;
  std::string error;  // could not build either
  bool stand_in = false;  // the site's check stands in for a gate check known only at run time
};

Planned plan_check(const config::Site& site, const GroupResolver& groups,
                   const runbook::Gate& gate, const runbook::GateCheck& reference) {
  Planned out;
  out.spec = site_check(site, reference.check);
  if (out.spec == nullptr) {
    out.error = fmt::format("no check named '{}' in the site", reference.check);
    return out;
  }
  // Only a group a run saves (@run:NAME) cannot be known before the run;
  // anything else that cannot be built is "could not look", never the
  // site's plain check standing in for the gate's.
  const bool run_time_only =
      runbook::gate_check_key(reference).find("@run:") != std::string::npos;
  config::Diagnostics diagnostics;
  try {
    runbook::Gate one = gate;
    one.checks = {reference};
    one = runbook::gate_for_run(one, site, groups, nullptr);
    const config::CheckSpec derived = runbook::gate_check_spec(*out.spec, one.checks.front());
    out.check = checks::make_check(derived, site, groups, diagnostics);
    out.evaluated = derived.name;
    if (!out.check && !run_time_only) out.error = diagnostics.format();
  } catch (const std::exception& error) {
    if (!run_time_only) out.error = error.what();
  }
  if (!out.check && run_time_only) {
    out.stand_in = true;
    config::Diagnostics plain;
    out.check = checks::make_check(*out.spec, site, groups, plain);
    out.evaluated = fmt::format("{} (as the site's check: {} is known only at run time)",
                                reference.check, runbook::gate_check_key(reference));
    if (!out.check) out.error = plain.format();
  }
  return out;
}

}  // namespace

int runbook_check(const config::Site& site, const runbook::Runbook& book,
                  const RunbookArguments&) {
  asio::io_context io;
  SiteRunner runner(io, ssh_options(site.ssh));
  auto groups = runbook_groups(site);
  std::vector<runbook::ReadinessGate> gates;
  std::map<std::string, Planned> planned;  // by what is evaluated: each check runs once
  std::map<std::string, checks::CheckResult> results;
  for (const auto& use : runbook::gate_uses(book)) {
    runbook::ReadinessGate gate{use, {}};
    for (const auto& reference : use.gate->checks) {
      Planned one = plan_check(site, *groups, *use.gate, reference);
      runbook::ReadinessCheck check;
      check.check = reference.check;
      check.key = runbook::gate_check_key(reference);
      check.evaluated = one.evaluated.empty() ? check.key : one.evaluated;
      // A gate that must be green before the first step is judged on the
      // gate's own check or not at all.
      if (one.stand_in && use.before_first_step) {
        one.error = fmt::format("{} is known only at run time: not judged before the run",
                                check.key);
        one.check.reset();
        check.evaluated = check.key;
      }
      if (!one.error.empty()) results[check.evaluated] = checks::unknown_result(one.error);
      if (one.check && planned.count(check.evaluated) == 0)
        planned.emplace(check.evaluated, std::move(one));
      gate.checks.push_back(std::move(check));
    }
    gates.push_back(std::move(gate));
  }
  for (auto& [name, one] : planned) {
    checks::run_check(*one.check, runner, site_endpoint(&site, one.spec->host), one.spec->timeout,
                      [&results, name = name](checks::CheckResult result) {
                        results[name] = std::move(result);
                      });
  }
  io.run();  // each check bounded by its own timeout
  for (auto& gate : gates) {
    for (auto& check : gate.checks) {
      auto found = results.find(check.evaluated);
      check.result = found != results.end() ? found->second
                                            : checks::unknown_result("the check did not finish");
      runbook::judge_readiness(check, gate.use.before_first_step);
    }
  }
  std::cout << runbook::render_readiness(book, gates);
  for (const auto& gate : gates) {
    if (gate.blocks()) return 1;
  }
  return 0;
}

}  // namespace greenlight::app
