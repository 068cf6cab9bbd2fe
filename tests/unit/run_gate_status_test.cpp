// RUN/gate-status: written and read back whole, written only on news, a
// damaged or foreign file explained rather than trusted.
#include "greenlight/runbook/run_gate_status.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::runbook;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

using testing::TempDir;

system_clock::time_point at(std::int64_t unix_ms) {
  return system_clock::time_point(milliseconds(unix_ms));
}

RunGateStatus head() {
  RunGateStatus status;
  status.pid = 4242;
  status.gate = "vms-stopped";
  status.phase = "stop-vms";
  status.since_ms = 1'764'550'000'000;
  status.stable_for_ms = 10'000;
  status.checks.push_back({"fleet-units", "-", 0, "on top1: vms=admin1,ns1", ""});
  status.checks.push_back({"ping", "-", 0, "on self: targets=top[1-3]", ""});
  return status;
}

GateStatus gate(const std::string& fleet_message, std::int64_t evidence_ms) {
  GateStatus status;
  status.gate = "vms-stopped";
  GateCheckState fleet{"fleet-units", "k", GateCheckState::State::kRed, fleet_message};
  fleet.status = checks::Status::critical;
  fleet.evidence = at(evidence_ms);
  status.checks.push_back(fleet);
  status.checks.push_back({"ping", "ping", GateCheckState::State::kNoResult, ""});
  return status;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("a gate status reads back what was written, fields escaped") {
  TempDir dir;
  RunGateStatus status = head();
  status.gate = "odd\tname\\with\nbreaks";
  status.written_ms = 1'764'550'003'000;
  status.checks[0] = {"fleet-units", "CRITICAL", 1'764'550'002'500, "on top1: vms=admin1,ns1",
                      "2 units running:\tadmin1\nns1"};
  write_run_gate_status(dir.path, status);
  const auto back = read_run_gate_status(dir.path);
  REQUIRE(back.has_value());
  CHECK(*back == status);
  CHECK_FALSE(fs::exists(dir.path / "gate-status.tmp"));
  remove_run_gate_status(dir.path);
  CHECK_FALSE(read_run_gate_status(dir.path).has_value());
}

TEST_CASE("a damaged gate status is an error naming the file and line, never a crash") {
  TempDir dir;
  const auto path = dir.path / "gate-status";
  const std::string good = format_run_gate_status(head());
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "line 1: not a gate status"},
      {"garbage\n", "line 1: not a gate status"},
      {good.substr(0, good.find("since")), "no 'since' line (cut short?)"},
      {"greenlight-gate-status 1\npid\tmany\n", "line 2: pid is not a number: 'many'"},
      {good + "check\tping\tOK\n", "'check' has 3 fields, not 6"},
      {good + "check\tping\tOK\tsoon\tnodes\treason\n", "the evidence's time is not a number"},
      {good + "colour\tred\n", "unknown record 'colour'"},
      {std::string("greenlight-gate-status 1\npid\t1\0\n", 33), "line 2: pid is not a number"},
  };
  for (const auto& c : cases) {
    write_text(path, c.text);
    INFO(c.text);
    try {
      (void)read_run_gate_status(dir.path);
      FAIL("no error for a damaged file");
    } catch (const RunGateStatusError& error) {
      const std::string what = error.what();
      CHECK_THAT(what, Catch::Contains(path.string()) && Catch::Contains(c.message));
    }
    const auto lines = explain_gate_wait(dir.path, JournalRecord{}, 4242, at(0));
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0],
               Catch::StartsWith("why it is red: not known (") && Catch::Contains(c.message));
  }
}

TEST_CASE("the writer writes on news only: words at once, figures and evidence every 30 s") {
  TempDir dir;
  const std::int64_t t0 = 1'764'550'001'000;
  std::optional<RunGateStatusWriter> writer(std::in_place, dir.path, head());
  CHECK_FALSE(fs::exists(dir.path / "gate-status"));

  CHECK(writer->update(gate("3 units running", t0), at(t0)));
  auto written = read_run_gate_status(dir.path);
  REQUIRE(written.has_value());
  CHECK(written->written_ms == t0);
  REQUIRE(written->checks.size() == 2);
  CHECK(written->checks[0] == RunGateStatus::Check{"fleet-units", "CRITICAL", t0,
                                                   "on top1: vms=admin1,ns1", "3 units running"});
  CHECK(written->checks[1] ==
        RunGateStatus::Check{"ping", "-", 0, "on self: targets=top[1-3]", "no result yet"});

  // The same again (every poll): nothing written.
  CHECK_FALSE(writer->update(gate("3 units running", t0), at(t0 + 100)));
  // A newer result saying the same, or other figures: not before 30 s.
  CHECK_FALSE(writer->update(gate("3 units running", t0 + 1000), at(t0 + 1000)));
  CHECK_FALSE(writer->update(gate("2 units running", t0 + 2000), at(t0 + 2000)));
  CHECK(read_run_gate_status(dir.path)->checks[0].reason == "3 units running");
  CHECK(writer->update(gate("2 units running", t0 + 30'000), at(t0 + 30'000)));
  CHECK(read_run_gate_status(dir.path)->checks[0].reason == "2 units running");
  CHECK(read_run_gate_status(dir.path)->checks[0].evidence_ms == t0 + 30'000);
  // Other words: at once.
  CHECK(writer->update(gate("unit admin1 failed", t0 + 30'500), at(t0 + 30'500)));
  CHECK(read_run_gate_status(dir.path)->checks[0].reason == "unit admin1 failed");
  // A verdict that changes: at once.
  auto green = gate("unit admin1 failed", t0 + 31'000);
  green.checks[0].state = GateCheckState::State::kGreen;
  green.checks[0].status = checks::Status::ok;
  CHECK(writer->update(green, at(t0 + 31'000)));
  CHECK(read_run_gate_status(dir.path)->checks[0].verdict == "OK");
  CHECK(writer->error().empty());

  writer.reset();  // the gate opened
  CHECK_FALSE(fs::exists(dir.path / "gate-status"));
}

TEST_CASE("a gate status that cannot be written is an error to report, the wait goes on") {
  TempDir dir;
  RunGateStatusWriter writer(dir.path / "no-such-run", head());
  CHECK(writer.update(gate("3 units running", 1000), at(1000)));
  CHECK_THAT(writer.error(), Catch::Contains("cannot write") && Catch::Contains("no-such-run"));
  // Not retried at every poll.
  CHECK_FALSE(writer.update(gate("3 units running", 1000), at(1100)));
}

TEST_CASE(
    "status explains the wait from the file of the process holding the run, else says why not") {
  TempDir dir;
  JournalRecord waiting;
  waiting.event = JournalEvent::kGateWaiting;
  waiting.phase = "stop-vms";
  waiting.step = "vms-stopped";
  waiting.unix_ms = head().since_ms;
  const std::int64_t t0 = waiting.unix_ms + 1000;

  auto lines = explain_gate_wait(dir.path, waiting, 4242, at(t0));
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::Contains("not known (process 4242 has written no"));

  RunGateStatusWriter writer(dir.path, head());
  writer.update(gate("3 units running: admin1, ns1, db1", t0), at(t0));
  lines = explain_gate_wait(dir.path, waiting, 4242, at(t0 + 7000));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "why it is red (as process 4242 wrote 7s ago):");
  CHECK(lines[1] ==
        "  CRITICAL fleet-units (on top1: vms=admin1,ns1): 3 units running: admin1, ns1, db1 "
        "[result of 7s ago]");
  CHECK(lines[2] == "  NONE     ping (on self: targets=top[1-3]): no result yet");

  // Every check green: the gate waits for them to stay green.
  auto green = gate("all stopped", t0 + 8000);
  green.checks[0].state = green.checks[1].state = GateCheckState::State::kGreen;
  green.checks[0].status = green.checks[1].status = checks::Status::ok;
  green.checks[1].message = "3 of 3 answer";
  green.checks[1].evidence = at(t0 + 8000);
  writer.update(green, at(t0 + 8000));
  lines = explain_gate_wait(dir.path, waiting, 4242, at(t0 + 9000));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "every check is green, not yet for long enough (the gate's stable_for: 10s; a check may "
        "hold its own) (as process 4242 wrote 1s ago):");
  CHECK(lines[2] ==
        "  OK       ping (on self: targets=top[1-3]): 3 of 3 answer [result of 1s ago]");

  // Another process (the one that wrote it was killed), or another wait.
  lines = explain_gate_wait(dir.path, waiting, 777, at(t0));
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::Contains("is of another wait: gate vms-stopped (phase stop-vms) by "
                                       "process 4242"));
  waiting.unix_ms += 60'000;
  CHECK(explain_gate_wait(dir.path, waiting, 4242, at(t0)).size() == 1);
}

TEST_CASE("the executor keeps the gate's status while the gate waits and removes it as it opens") {
  testing::ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          timeout: 5s
      phases:
        - name: only
          wait_for: [g]
)");
  std::optional<RunGateStatus> seen;
  asio::steady_timer later(h.io);
  h.results.on_hurry = [&](const std::string& key) {
    h.results.set(key, checks::Status::critical, "3 units running");
    later.expires_after(milliseconds(300));
    later.async_wait([&, key](auto) {
      seen = read_run_gate_status(h.dir.path);
      h.results.set(key, checks::Status::ok, "all stopped");
    });
  };
  CHECK(h.run() == RunOutcome::kFinished);
  REQUIRE(seen.has_value());
  CHECK(seen->pid == ::getpid());
  CHECK(seen->gate == "g");
  CHECK(seen->phase == "only");
  for (const auto& r : h.records()) {
    if (r.event == JournalEvent::kGateWaiting) CHECK(seen->since_ms == r.unix_ms);
  }
  REQUIRE(seen->checks.size() == 1);
  CHECK(seen->checks[0].verdict == "CRITICAL");
  CHECK(seen->checks[0].reason == "3 units running");
  CHECK(seen->checks[0].nodes == "on self");
  CHECK(seen->checks[0].evidence_ms > seen->since_ms - 1000);
  CHECK_FALSE(fs::exists(h.dir.path / "gate-status"));
}
