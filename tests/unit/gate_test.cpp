// Gates: keys of gate references, why a gate is red, and gate checks with
// their own expectation and overrides run through the real scheduler.
#include "greenlight/runbook/gate.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "greenlight/checks/scheduler.h"
#include "greenlight/exporter/server.h"
#include "support/read_file.h"
#include "support/runbook_fakes.h"

using namespace greenlight;
using namespace greenlight::testing;
using std::chrono::milliseconds;

namespace {

runbook::GateCheck reference(std::string check, std::string expect,
                             std::vector<std::pair<std::string, std::string>> overrides = {}) {
  runbook::GateCheck c;
  c.check = std::move(check);
  c.expect = std::move(expect);
  c.overrides.kind = config::Value::Kind::kMapping;
  for (auto& [key, value] : overrides) {
    config::Value::Entry entry;
    entry.first.kind = entry.second.kind = config::Value::Kind::kScalar;
    entry.first.scalar = key;
    entry.second.scalar = value;
    c.overrides.entries.push_back(entry);
  }
  return c;
}

}  // namespace

TEST_CASE("a gate reference with its own expectation or parameters is a check of its own") {
  CHECK(runbook::gate_check_key(reference("gluster-clients", "ok")) == "gluster-clients");
  CHECK(runbook::gate_check_key(reference("gluster-volumes", "stopped")) ==
        "gluster-volumes{expect=stopped}");
  CHECK(runbook::gate_check_key(
            reference("fleet-units", "stopped", {{"vms", "@management_vms!@dns_vms"}})) ==
        "fleet-units{expect=stopped,vms=@management_vms!@dns_vms}");
}

TEST_CASE("why a gate is red names each check that is not green") {
  runbook::GateStatus status;
  status.checks.push_back({"ping", "ping", runbook::GateCheckState::State::kGreen, "all answer"});
  status.checks.push_back(
      {"fleet-units", "k", runbook::GateCheckState::State::kRed, "2 units running: admin1, ns1"});
  status.checks.push_back({"heal", "heal", runbook::GateCheckState::State::kStale, "old"});
  status.checks.push_back({"clients", "clients", runbook::GateCheckState::State::kNoResult, ""});
  CHECK(status.why_red() ==
        "fleet-units: 2 units running: admin1, ns1; heal: no result since the gate started "
        "waiting; clients: no result yet");
}

TEST_CASE("a gate times out when its checks stay red, with the checks' messages") {
  asio::io_context io;
  FakeResults results;
  results.on_hurry = [&](const std::string& key) {
    results.set(key, checks::Status::critical, "volspoms1 is started");
  };
  runbook::Gate gate;
  gate.name = "volumes-stopped";
  gate.checks.push_back(reference("gluster-volumes", "stopped"));
  gate.timeout = milliseconds(150);
  runbook::GateWait::Options options;
  options.pace = milliseconds(10);
  options.settle = milliseconds(1000);
  runbook::GateWait wait(io, results, gate, options);
  std::optional<runbook::GateOutcome> outcome;
  std::string why;
  int changes = 0;
  wait.start(
      [&](runbook::GateOutcome o, const runbook::GateStatus& s) {
        outcome = o;
        why = s.why_red();
        CHECK(s.waited >= milliseconds(150));
      },
      [&](const runbook::GateStatus&) { ++changes; });
  io.run_for(std::chrono::seconds(5));
  CHECK(outcome == runbook::GateOutcome::kTimedOut);
  CHECK(why == "gluster-volumes: volspoms1 is started");
  CHECK(changes == 1);  // reported once, not at every poll
  // Pace restored when the wait ended.
  CHECK_FALSE(results.hurried.back().second.has_value());
}

TEST_CASE("a gate reads each result as it comes, and wakes on its own only when a hold ends") {
  asio::io_context io;
  FakeResults results;
  runbook::Gate gate;
  gate.name = "volumes-stopped";
  gate.checks.push_back(reference("gluster-volumes", "stopped"));
  gate.timeout = std::chrono::hours(1);
  runbook::GateWait wait(io, results, gate, {});
  std::optional<runbook::GateOutcome> outcome;
  wait.start([&](runbook::GateOutcome o, const runbook::GateStatus&) { outcome = o; });
  const std::string key = runbook::gate_check_key(gate.checks[0]);
  // Nothing is due: the wait sleeps until its settle time (no result yet).
  io.poll();
  CHECK_FALSE(outcome);
  // A result wakes it at once, with no clock advancing: no poll in between.
  results.set(key, checks::Status::ok, "volspoms1 is stopped");
  io.poll();
  CHECK(outcome == runbook::GateOutcome::kGreen);

  // With a hold, the green result starts it, and the wait wakes when it ends.
  runbook::Gate held = gate;
  held.stable_for = milliseconds(300);
  FakeResults slow;
  asio::io_context later;  // `io` ran out of work: it stopped
  runbook::GateWait hold(later, slow, held, {});
  std::optional<std::chrono::steady_clock::time_point> released;
  hold.start([&](runbook::GateOutcome o, const runbook::GateStatus&) {
    if (o == runbook::GateOutcome::kGreen) released = std::chrono::steady_clock::now();
  });
  const auto green_at = std::chrono::steady_clock::now();
  slow.set(key, checks::Status::ok);
  later.poll();
  CHECK_FALSE(released);
  later.run_for(std::chrono::seconds(2));
  REQUIRE(released);
  CHECK(*released - green_at >= milliseconds(300));
}

TEST_CASE("gate checks run through the scheduler with the gate's expectation and overrides") {
  asio::io_context io;
  config::Diagnostics diagnostics;
  auto site = site_with("      phases: []\n", diagnostics,
                        "  fleet: {kind: fleet_units, vms: \"admin[1-2],ns1\", interval: 1h}\n");
  FakeRunner runner(io);
  RunResult listing;
  listing.status = RunStatus::kOk;
  listing.exit_code = 0;
  listing.out = test::read_file(GREENLIGHT_FIXTURES_DIR "/fleet/list_units_full.txt");
  runner.answer({"", "fleetctl", listing});
  checks::Scheduler scheduler(io, [](const std::string&, const checks::CheckResult&) {});
  auto groups = site.group_resolver();
  runbook::SchedulerResults results(scheduler, site, *groups, [&runner](const std::string&) {
    return std::make_pair(Endpoint{"n1", "", 22, "", true}, static_cast<CommandRunner*>(&runner));
  });
  scheduler.start();

  runbook::Gate running;
  running.name = "ns-running";
  running.checks.push_back(reference("fleet", "running", {{"vms", "ns1"}}));
  running.timeout = milliseconds(2000);
  runbook::Gate stopped;
  stopped.name = "admin-stopped";
  stopped.checks.push_back(reference("fleet", "stopped", {{"vms", "admin1"}}));
  stopped.timeout = milliseconds(300);

  std::optional<runbook::GateOutcome> first, second;
  std::string why, why_first;
  runbook::GateWait wait_running(io, results, running, {milliseconds(10), milliseconds(50)});
  runbook::GateWait wait_stopped(io, results, stopped, {milliseconds(10), milliseconds(50)});
  wait_running.start([&](runbook::GateOutcome o, const runbook::GateStatus& s) {
    first = o;
    why_first = s.why_red();
  });
  wait_stopped.start([&](runbook::GateOutcome o, const runbook::GateStatus& s) {
    second = o;
    why = s.why_red();
  });
  io.run_for(std::chrono::milliseconds(1500));
  INFO(why_first << " / " << wait_running.status().why_red());
  CHECK(first == runbook::GateOutcome::kGreen);
  CHECK(second == runbook::GateOutcome::kTimedOut);
  CHECK_THAT(why, Catch::Contains("pcocc-vm-admin1.service"));
  CHECK(scheduler.knows("fleet{expect=running,vms=ns1}"));
  CHECK(scheduler.knows("fleet{expect=stopped,vms=admin1}"));
  // The fast pace ran the stopped gate's check several times within its 300 ms.
  CHECK(scheduler.runs("fleet{expect=stopped,vms=admin1}") >= 3);
  scheduler.stop();
  // Each gate's own variant is a check of its own in the result store, so
  // the exporter shows it under its own name, with the site check's kind.
  exporter::Snapshot snapshot(scheduler.store());
  const auto metrics = exporter::render_metrics(snapshot, "x");
  const auto* stopped_result = scheduler.latest("fleet{expect=stopped,vms=admin1}");
  REQUIRE(stopped_result != nullptr);
  CHECK(metrics.find(fmt::format(
            "\ngreenlight_check_status{{check=\"fleet{{expect=stopped,vms=admin1}}\",kind=\"fleet_units\"}} {}\n",
            static_cast<int>(stopped_result->status))) != std::string::npos);
  CHECK(metrics.find(
            "\ngreenlight_check_status{check=\"fleet{expect=running,vms=ns1}\",kind=\"fleet_units\"} 0\n") !=
        std::string::npos);
  CHECK_FALSE(stopped_result->green());
  const auto json = exporter::render_checks_json(snapshot);
  CHECK(json.find(fmt::format(
            R"({{"check": "fleet{{expect=stopped,vms=admin1}}", "kind": "fleet_units", "host": "n1", "status": "{}")",
            checks::to_string(stopped_result->status))) != std::string::npos);
}
