// Test support: examples/ocean loaded as `greenlight` loads it, and a gate's
// checks built and run on scripted outputs (FakeRunner), the gate's
// parameters on top of the site's check, as at run time.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>

#include <map>
#include <memory>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::test {

struct Ocean {
  config::Diagnostics diagnostics;
  config::Site site =
      checks::load_site(GREENLIGHT_SOURCE_DIR "/examples/ocean/site.yaml", diagnostics);
  std::vector<runbook::Runbook> books = runbook::load_runbooks(site, diagnostics);

  const runbook::Gate& gate(const std::string& book, const std::string& name) const {
    for (const auto& b : books) {
      if (b.name != book) continue;
      for (const auto& g : b.gates)
        if (g.name == name) return g;
    }
    FAIL("no gate " << book << "/" << name);
    throw std::logic_error("unreachable");
  }

  // The gate as a run waits on it (gate_for_run), with `saved` as the
  // run's @run: groups.
  runbook::Gate for_run(const std::string& book, const std::string& name,
                        const std::map<std::string, std::string>& saved) {
    auto groups = site.group_resolver();
    std::map<std::string, std::string, std::less<>> run(saved.begin(), saved.end());
    groups->add_source("run", std::make_shared<StaticGroupSource>(std::move(run)));
    run_groups = groups;
    return runbook::gate_for_run(gate(book, name), site, *groups, nullptr);
  }
  std::shared_ptr<GroupResolver> run_groups;

  std::unique_ptr<checks::Check> build(const runbook::GateCheck& check) {
    const auto spec = std::find_if(site.checks.begin(), site.checks.end(),
                                   [&](const auto& c) { return c.name == check.check; });
    REQUIRE(spec != site.checks.end());
    config::Diagnostics errors;
    auto built = checks::make_check(runbook::gate_check_spec(*spec, check), site,
                                    run_groups ? *run_groups : *site.group_resolver(), errors);
    INFO(errors.format());
    REQUIRE(built != nullptr);
    return built;
  }

  // Runs the gate's `index`th check on scripted rules (node, command
  // substring, result); `recorded` gets "node: command" lines.
  checks::CheckResult judge_rules(const std::string& book, const std::string& gate_name,
                                  std::size_t index, const std::vector<FakeRunner::Rule>& rules,
                                  std::vector<std::string>* recorded = nullptr) {
    return judge_rules(gate(book, gate_name).checks.at(index), rules, recorded);
  }
  checks::CheckResult judge_rules(const runbook::GateCheck& reference,
                                  const std::vector<FakeRunner::Rule>& rules,
                                  std::vector<std::string>* recorded = nullptr) {
    const auto check = build(reference);
    asio::io_context io;
    FakeRunner runner(io);
    for (const auto& rule : rules) runner.answer(rule);
    checks::CheckResult result;
    checks::run_check(*check, runner, Endpoint{"top1", "", 22, "", true}, std::chrono::seconds(5),
                      [&](checks::CheckResult r) { result = std::move(r); });
    io.run();
    if (recorded != nullptr) *recorded = runner.recorded();
    return result;
  }

  // Runs the gate's `index`th check on outputs: command substring -> stdout.
  checks::CheckResult judge(const std::string& book, const std::string& gate_name,
                            std::size_t index,
                            const std::vector<std::pair<std::string, std::string>>& outputs) {
    return judge(gate(book, gate_name).checks.at(index), outputs);
  }
  checks::CheckResult judge(const runbook::GateCheck& reference,
                            const std::vector<std::pair<std::string, std::string>>& outputs) {
    std::vector<FakeRunner::Rule> rules;
    for (const auto& [contains, out] : outputs) rules.push_back({"", contains, exited(0, out)});
    return judge_rules(reference, rules);
  }

  static RunResult exited(int code, const std::string& out) {
    RunResult r;
    r.status = code == 0 ? RunStatus::kOk : RunStatus::kExit;
    r.exit_code = code;
    r.out = out;
    return r;
  }
};

}  // namespace greenlight::test
