// One resolution of a step's nodes and commands for `runbook plan`,
// `runbook exec --dry-run` and `runbook exec`: over many on/exclude/self
// combinations, the nodes the plan shows are the nodes the dry run and the
// run act on, for run steps and power steps alike.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/step_jobs.h"
#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::RunOutcome;

namespace {

std::string book_for(const std::string& on, const std::string& exclude) {
  const std::string excluded = exclude.empty() ? "" : ", exclude: \"" + exclude + "\"";
  return "      phases:\n        - name: only\n          steps:\n"
         "            - run: {on: \"" + on + "\"" + excluded + ", command: echo hi}\n"
         "            - power: {on: \"" + on + "\"" + excluded + ", action: \"off\"}\n";
}

// Nodes named by the plan's step lines: "step 1 run on n[2-4] (3 nodes):".
std::vector<std::string> plan_nodes(const std::string& plan) {
  std::vector<std::string> out;
  static const std::regex line(R"(step \d (run|power off) on (\S+) \(\d+ nodes?\))");
  for (auto it = std::sregex_iterator(plan.begin(), plan.end(), line); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[2]);
  return out;
}

// From "n1: echo hi" (run) and "n1: bmc -H '10.9.0.3' power 'off'" (power,
// sent from self): the node each command acted on.
std::pair<std::set<std::string>, std::set<std::string>> acted_on(
    const std::vector<std::string>& recorded) {
  std::set<std::string> run, power;
  static const std::regex bmc(R"(10\.9\.0\.(\d))");
  for (const auto& line : recorded) {
    std::smatch m;
    if (std::regex_search(line, m, bmc)) {
      power.insert("n" + m[1].str());
    } else {
      run.insert(line.substr(0, line.find(':')));
    }
  }
  return {run, power};
}

std::set<std::string> expanded(const std::string& folded) {
  if (folded == "nothing") return {};
  const auto names = NodeSet::parse(folded).expand();
  return {names.begin(), names.end()};
}

}  // namespace

TEST_CASE("plan, dry run and exec act on the same nodes for every on/exclude/self combination") {
  struct Case {
    std::string on, exclude, expected;
  };
  const std::vector<Case> cases = {
      {"@all", "self", "n[2-4]"},         {"@all", "self,n3", "n[2,4]"},
      {"@all", "n3,self", "n[2,4]"},      {"self", "", "n1"},
      {"@all", "n3, self", "n[2,4]"},     {"@all", " self ", "n[2-4]"},
      {"n[1-3]", "self", "n[2-3]"},       {"self,n4", "", "n[1,4]"},
      {"@all!self", "", "n[2-4]"},        {"@all", "n[2-3],self", "n4"},
      {"n[1-4]", "@all!n2", "n2"},        {"self", "n[2-4]", "n1"},
      {"@all&self", "", "n1"},            {"n[2-4]", "", "n[2-4]"},
  };
  for (const auto& c : cases) {
    INFO("on: " << c.on << ", exclude: " << c.exclude);
    // Plan.
    ExecutorHarness planned(book_for(c.on, c.exclude));
    const std::string plan = runbook::render_plan(planned.books[0], planned.site);
    INFO(plan);
    const auto shown = plan_nodes(plan);
    REQUIRE(shown.size() == 2);
    CHECK(shown[0] == c.expected);
    CHECK(shown[1] == c.expected);
    // Exec.
    ExecutorHarness run(book_for(c.on, c.exclude));
    REQUIRE(run.run() == RunOutcome::kFinished);
    const auto [run_nodes, power_nodes] = acted_on(run.runner.recorded);
    CHECK(run_nodes == expanded(c.expected));
    CHECK(power_nodes == expanded(c.expected));
    // Dry run: the runner the command line gives it, recording instead of running.
    ExecutorHarness dry(book_for(c.on, c.exclude));
    dry.options.dry_run = true;
    DryRunRunner recorder(dry.io);
    REQUIRE(dry.run(&recorder) == RunOutcome::kFinished);
    const auto [dry_run_nodes, dry_power_nodes] = acted_on(recorder.recorded());
    CHECK(dry_run_nodes == run_nodes);
    CHECK(dry_power_nodes == power_nodes);
  }
}

TEST_CASE("a step whose nodes are all excluded has nothing to do, in the plan and in exec") {
  ExecutorHarness h(book_for("@all", "@all"));
  const std::string plan = runbook::render_plan(h.books[0], h.site);
  CHECK_THAT(plan, Catch::Contains("step 1 run on no node: nothing to do"));
  REQUIRE(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.recorded.empty());
}

TEST_CASE("self in a node set names the site's own host, whatever operator surrounds it") {
  config::Diagnostics diagnostics;
  const config::Site site = site_with(book_for("self", ""), diagnostics);
  CHECK(site.with_self_named("self") == "n1");
  CHECK(site.with_self_named("@top,self") == "@top,n1");
  CHECK(site.with_self_named("@top!self") == "@top!n1");
  CHECK(site.with_self_named("self&@top^self") == "n1&@top^n1");
  CHECK(site.with_self_named("myself,selfish") == "myself,selfish");
  CHECK(site.with_self_named("n[1,3],self") == "n[1,3],n1");
}
