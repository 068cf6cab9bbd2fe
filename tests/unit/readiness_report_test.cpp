// Readiness of a runbook (runbook check, /api/v1/readiness): the checks
// behind its gates are built as exec builds them, judged on results from
// wherever the caller has them (scripted here; a real scheduler running
// real commands below; the real serve in status_page_test.sh), and a check
// without a result is UNKNOWN, never OK.
#include <catch2/catch.hpp>

#include "greenlight/checks/scheduler.h"
#include "greenlight/control/published_readiness.h"
#include "greenlight/runbook/readiness.h"
#include "support/runbook_fakes.h"

using namespace greenlight;
using namespace std::chrono_literals;

namespace {

// A runbook "book" whose phase pre requires gate `ready` (before the first
// step) and whose phase act waits for gate `after` (later), each with the
// checks given as YAML flow sequences.
std::string book_with(const std::string& ready, const std::string& after) {
  return "      gates:\n        ready: {description: the flag is up, checks: " + ready +
         "}\n        after: {checks: " + after + R"(}
      phases:
        - name: pre
          require: [ready]
        - name: act
          steps:
            - run: {on: n2, command: echo}
          wait_for: [after]
)";
}
const std::string kFleetStopped = R"({check: fleet, expect: stopped, vms: "n[2-3]"})";
const std::string kBook = book_with("[{check: a}]", "[{check: b}, " + kFleetStopped + "]");
const std::string kFleet =
    "  fleet: {kind: fleet_units, vms: n1, group_source: vm, command: [\"true\"]}\n";

checks::CheckResult result(checks::Status status, std::string message) {
  checks::CheckResult out;
  out.status = status;
  out.message = std::move(message);
  out.finished = std::chrono::system_clock::now();
  return out;
}

}  // namespace

TEST_CASE("readiness: every gate's checks as exec builds them, each to run once") {
  config::Diagnostics diagnostics;
  const auto site = testing::site_with(kBook, diagnostics, kFleet);
  const auto books = runbook::load_runbooks(site, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(books.size() == 1);
  const auto groups = site.group_resolver();
  const auto report = runbook::plan_readiness(site, *groups, books[0]);
  REQUIRE(report.gates.size() == 2);
  CHECK(report.gates[0].use.before_first_step);
  REQUIRE(report.gates[1].checks.size() == 2);
  const auto& fleet = report.gates[1].checks[1];
  CHECK(fleet.source == "fleet{expect=stopped,vms=n[2-3]}");
  CHECK(fleet.nodes == "vms=n[2-3]");
  CHECK(report.probes.size() == 3);
  CHECK(report.probes.count("a") == 1);
  CHECK(report.probes.count(fleet.source) == 1);
}

TEST_CASE("readiness: red before the first step blocks with its evidence, no result is UNKNOWN") {
  config::Diagnostics diagnostics;
  const auto site = testing::site_with(kBook, diagnostics, kFleet);
  const auto books = runbook::load_runbooks(site, diagnostics);
  REQUIRE(books.size() == 1);
  const auto groups = site.group_resolver();
  std::map<std::string, checks::CheckResult> results = {
      {"a", result(checks::Status::critical, "the flag file is missing")},
      {"b", result(checks::Status::ok, "b is fine")}};
  auto lookup = [&results](const std::string& source) -> const checks::CheckResult* {
    auto found = results.find(source);
    return found != results.end() ? &found->second : nullptr;
  };
  auto report = runbook::plan_readiness(site, *groups, books[0]);
  runbook::judge_readiness(report, lookup, "not evaluated yet");
  CHECK(report.gates[0].blocks());
  CHECK(report.gates[0].checks[0].result.message == "the flag file is missing");
  const auto& fleet = report.gates[1].checks[1];
  CHECK(fleet.result.status == checks::Status::unknown);
  CHECK(fleet.result.message == "not evaluated yet");
  CHECK(fleet.blocks);
  CHECK_FALSE(report.gates[1].checks[0].blocks);
  CHECK(report.summary() ==
        "would block at gate ready (phase pre) because a: CRITICAL now; the run waits here "
        "before its first step (the flag file is missing)");

  // The fleet check looked (its "stopped" comes with the steps): ready.
  results["a"] = result(checks::Status::ok, "the flag is up");
  results["fleet{expect=stopped,vms=n[2-3]}"] = result(checks::Status::critical, "2 units running");
  report = runbook::plan_readiness(site, *groups, books[0]);
  runbook::judge_readiness(report, lookup, "not evaluated yet");
  CHECK_FALSE(report.blocks());
  CHECK(report.summary() == "ready: none of its 2 gates would block now");

  const auto state = control::readiness_state(report);
  CHECK(state.runbook == "book");
  CHECK_FALSE(state.blocks);
  REQUIRE(state.gates.size() == 2);
  CHECK(state.gates[0].description == "the flag is up");
  CHECK(state.gates[1].checks[1].status == "CRITICAL");
  CHECK(state.gates[1].checks[1].nodes == "vms=n[2-3]");
  CHECK(state.gates[1].checks[1].evidence.has_value());
  // The summary is as old as its oldest evidence.
  REQUIRE(state.oldest_evidence.has_value());
  for (const auto& gate : state.gates)
    for (const auto& check : gate.checks)
      if (check.evidence) CHECK(*state.oldest_evidence <= *check.evidence);
}

TEST_CASE("readiness on a scheduler: its latest results, checks it does not run are UNKNOWN") {
  config::Diagnostics diagnostics;
  const auto site = testing::site_with(
      book_with("[{check: red}, {check: b}]", "[" + kFleetStopped + "]"), diagnostics,
      "  red: {kind: command, command: [sh, -c, 'echo no flag; exit 2']}\n" + kFleet);
  const auto books = runbook::load_runbooks(site, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(books.size() == 1);
  const auto groups = site.group_resolver();
  asio::io_context io;
  LocalRunner runner(io);
  checks::Scheduler scheduler(io, [](const std::string&, const checks::CheckResult&) {});
  for (const auto& spec : site.checks) {
    if (spec.name == "fleet") continue;  // serve runs only the site's checks
    checks::Scheduler::Entry entry;
    entry.check = checks::make_check(spec, site, *groups, diagnostics);
    entry.endpoint = Endpoint{"n1", "", 22, "", true};
    entry.runner = &runner;
    entry.interval = 1h;
    scheduler.add(std::move(entry));
  }

  // Before any result: nothing is OK.
  auto states = control::judge_runbooks(site, *groups, books, scheduler);
  REQUIRE(states.size() == 1);
  CHECK(states[0].blocks);
  CHECK(states[0].gates[0].checks[0].status == "UNKNOWN");
  CHECK_THAT(states[0].gates[0].checks[0].message, Catch::Contains("first run has not finished"));
  CHECK_FALSE(states[0].gates[0].checks[0].evidence.has_value());
  CHECK_FALSE(states[0].oldest_evidence.has_value());

  // Real results from real commands.
  asio::steady_timer stop(io, 2s);
  stop.async_wait([&](auto) { scheduler.stop(); });
  scheduler.start();
  io.run();
  states = control::judge_runbooks(site, *groups, books, scheduler);
  const auto& ready = states[0].gates[0];
  CHECK(ready.blocks);
  CHECK(ready.checks[0].status == "CRITICAL");
  CHECK_THAT(ready.checks[0].message, Catch::Contains("no flag"));
  CHECK(ready.checks[0].evidence.has_value());
  CHECK(ready.checks[1].status == "OK");
  CHECK_FALSE(ready.checks[1].blocks);
  const auto& fleet = states[0].gates[1].checks[0];
  CHECK(fleet.status == "UNKNOWN");
  CHECK_THAT(fleet.message, Catch::Contains("not evaluated yet: greenlight serve runs this check"));
  CHECK(fleet.blocks);
  CHECK_FALSE(fleet.evidence.has_value());
  CHECK_THAT(states[0].summary,
             Catch::StartsWith("would block at gate ready (phase pre) because red: CRITICAL now"));
}

TEST_CASE("runbook check: gates before the first step must be green, later ones able to look") {
  config::Diagnostics diagnostics;
  const auto site = testing::site_with(book_with("[{check: a}]", "[{check: b}]"), diagnostics);
  const auto books = runbook::load_runbooks(site, diagnostics);
  REQUIRE(books.size() == 1);
  const auto uses = runbook::gate_uses(books[0]);
  REQUIRE(uses.size() == 2);
  CHECK(uses[0].before_first_step);
  CHECK_FALSE(uses[1].before_first_step);

  runbook::ReadinessCheck red;
  red.result.status = checks::Status::critical;
  runbook::judge_readiness(red, true);
  CHECK(red.blocks);
  runbook::ReadinessCheck later = red;
  runbook::judge_readiness(later, false);
  CHECK_FALSE(later.blocks);  // it looked: the state comes with the steps
  runbook::ReadinessCheck blind;
  blind.result = checks::unknown_result("fleetctl: connection refused");
  runbook::judge_readiness(blind, false);
  CHECK(blind.blocks);
  std::vector<runbook::ReadinessGate> gates = {{uses[0], {red}}, {uses[1], {blind}}};
  const std::string text = runbook::render_readiness(books[0], gates);
  CHECK_THAT(text, Catch::Contains("BLOCKS gate ready"));
  CHECK_THAT(text, Catch::Contains("fleetctl: connection refused"));
  CHECK_THAT(text, Catch::Contains("2 of 2 gates would block now"));
}
