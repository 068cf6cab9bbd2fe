// The executor against scripted runners, check results and operators:
// order, gates, retries, failure budgets, pauses and their choices.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <catch2/catch.hpp>

#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::Decision;
using runbook::JournalEvent;
using runbook::RunOutcome;
using std::chrono::milliseconds;

namespace {

const char* kTwoPhases = R"(      gates:
        g:
          checks: [{check: a}]
          timeout: 5s
      phases:
        - name: first
          steps:
            - run: {on: "n[1-2]", command: echo one}
            - run: {on: self, command: echo two}
          wait_for: [g]
        - name: second
          require: [g]
          steps:
            - run: {on: n3, command: echo three}
)";

}  // namespace

TEST_CASE("phases, steps and gates run in the runbook's order, each journaled first") {
  ExecutorHarness h(kTwoPhases);
  h.results.on_hurry = [&h](const std::string& key) { h.results.set(key, checks::Status::ok); };
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.recorded ==
        std::vector<std::string>{"n1: echo one", "n2: echo one", "n1: echo two", "n3: echo three"});
  std::vector<std::string> events;
  for (const auto& r : h.records()) events.push_back(to_string(r.event) + (" " + r.phase));
  CHECK(events ==
        std::vector<std::string>{"run-started ", "phase-started first",
                                 "change-approved first",  // --yes, journaled with who
                                 "step-started first",
                                 "step-remote first", "step-finished first", "step-started first",
                                 "step-remote first", "step-finished first",
                                 "gate-waiting first", "gate-green first", "phase-finished first",
                                 "phase-started second", "gate-waiting second", "gate-green second",
                                 "step-started second", "step-remote second", "step-finished second",
                                 "phase-finished second", "run-finished "});
  // The gate asked for its check now and at the fast pace, then restored it.
  REQUIRE(h.results.hurried.size() >= 2);
  CHECK(h.results.hurried.front().second == milliseconds(50));
  CHECK_FALSE(h.results.hurried.back().second.has_value());
  // Once the first phase's steps were over, the check of the second
  // phase's `require` gate ran at once: its evidence starts there.
  CHECK(h.results.ran_now == std::vector<std::string>{"a"});
}

TEST_CASE("a gate blocks until a fresh green result, and releases as that result comes") {
  ExecutorHarness h(kTwoPhases);
  // Green before the gate started waiting: not trusted.
  h.results.set("a", checks::Status::ok);
  asio::steady_timer red(h.io), green(h.io);
  std::chrono::steady_clock::time_point turned_green;
  h.results.on_hurry = [&](const std::string& key) {
    if (h.runner.recorded.size() != 3) return;  // only the first gate, after the steps
    red.expires_after(milliseconds(100));
    red.async_wait(
        [&, key](auto) { h.results.set(key, checks::Status::critical, "3 VMs running"); });
    green.expires_after(milliseconds(400));
    green.async_wait([&, key](auto) {
      turned_green = std::chrono::steady_clock::now();
      h.results.set(key, checks::Status::ok);
    });
  };
  std::chrono::steady_clock::time_point third_ran;
  struct Watch : CommandRunner {
    ScriptedRunner& inner;
    std::chrono::steady_clock::time_point& when;
    Watch(ScriptedRunner& r, std::chrono::steady_clock::time_point& w) : inner(r), when(w) {}
    void run(const Endpoint& e, const Command& c, std::function<void(RunResult)> done) override {
      if (c.text() == "echo three") when = std::chrono::steady_clock::now();
      inner.run(e, c, std::move(done));
    }
  } watch(h.runner, third_ran);
  // The second phase's require gate must be fresh too: keep answering green.
  h.results.on_hurry = [&, first = h.results.on_hurry](const std::string& key) {
    if (h.runner.recorded.size() == 3 && !turned_green.time_since_epoch().count())
      return first(key);
    h.results.set(key, checks::Status::ok);
  };
  CHECK(h.run(&watch) == RunOutcome::kFinished);
  CHECK(third_ran > turned_green);
  CHECK(third_ran - turned_green < milliseconds(1000));
  bool saw_red = false;
  for (const auto& line : h.person.lines)
    saw_red |= line.find("a: 3 VMs running") != std::string::npos;
  CHECK(saw_red);
}

TEST_CASE("a gate must stay green for stable_for, a red result restarts the count") {
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          stable_for: 300ms
          timeout: 5s
      phases:
        - name: only
          wait_for: [g]
)");
  asio::steady_timer flip(h.io);
  const auto begin = std::chrono::steady_clock::now();
  h.results.on_hurry = [&](const std::string& key) {
    h.results.set(key, checks::Status::ok);
    flip.expires_after(milliseconds(150));
    flip.async_wait([&, key](auto) {
      h.results.set(key, checks::Status::critical, "flapping");
      flip.expires_after(milliseconds(100));
      flip.async_wait([&, key](auto) { h.results.set(key, checks::Status::ok); });
    });
  };
  CHECK(h.run() == RunOutcome::kFinished);
  // green at 0, red at 150, green again at 250, then 300 ms of green.
  CHECK(std::chrono::steady_clock::now() - begin >= milliseconds(550));
}

TEST_CASE("green results since the last step count toward stable_for, a step starts the count again") {
  // first proves g for 400 ms; second requires it with no step in between:
  // the same evidence holds, it must not wait another 400 ms. third runs a
  // step first: what was proven before it says nothing after it.
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          stable_for: 400ms
          timeout: 5s
      phases:
        - name: first
          steps:
            - run: {on: n1, command: echo one}
          wait_for: [g]
        - name: second
          require: [g]
        - name: third
          steps:
            - run: {on: n2, command: echo two}
          wait_for: [g]
)");
  h.results.on_hurry = [&h](const std::string& key) { h.results.set(key, checks::Status::ok); };
  CHECK(h.run() == RunOutcome::kFinished);
  // Counted from each phase's last step record: the evidence starts there.
  std::map<std::string, std::int64_t> stepped, waiting, green;
  for (const auto& r : h.records()) {
    if (r.event == JournalEvent::kStepFinished) stepped[r.phase] = r.unix_ms;
    if (r.event == JournalEvent::kGateWaiting) waiting[r.phase] = r.unix_ms;
    if (r.event == JournalEvent::kGateGreen) green[r.phase] = r.unix_ms;
  }
  REQUIRE(green.size() == 3);
  CHECK(green["first"] - stepped["first"] >= 400);
  CHECK(green["second"] - waiting["second"] < 300);
  CHECK(green["third"] - stepped["third"] >= 400);
}

TEST_CASE("a check green for long before the run's last step proves nothing before that step") {
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          stable_for: 300ms
          timeout: 5s
      phases:
        - name: only
          steps:
            - run: {on: n1, command: echo one}
          wait_for: [g]
)");
  h.results.set("a", checks::Status::ok);
  h.results.green_since_at("a", std::chrono::steady_clock::now() - std::chrono::hours(1));
  h.results.on_hurry = [&h](const std::string& key) { h.results.set(key, checks::Status::ok); };
  const auto begin = std::chrono::steady_clock::now();
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(std::chrono::steady_clock::now() - begin >= milliseconds(300));
}

TEST_CASE("one fresh result after a long-ago step is not stable_for's worth of evidence") {
  // Check a was green once before the step and not asked again until the
  // second phase requires it, 500 ms after the step: the time since the
  // step holds no result of a, so stable_for counts from the fresh one.
  ExecutorHarness h(R"(      gates:
        slow:
          checks: [{check: b}]
          timeout: 5s
        g:
          checks: [{check: a}]
          stable_for: 300ms
          timeout: 5s
      phases:
        - name: first
          steps:
            - run: {on: n1, command: echo one}
          wait_for: [slow]
        - name: second
          require: [g]
)");
  h.results.set("a", checks::Status::ok);
  asio::steady_timer later(h.io);
  h.results.on_hurry = [&](const std::string& key) {
    if (key == "a") return h.results.set(key, checks::Status::ok);
    later.expires_after(milliseconds(500));
    later.async_wait([&, key](auto) { h.results.set(key, checks::Status::ok); });
  };
  CHECK(h.run() == RunOutcome::kFinished);
  std::map<std::string, std::int64_t> waiting, green;
  for (const auto& r : h.records()) {
    if (r.event == JournalEvent::kGateWaiting) waiting[r.phase] = r.unix_ms;
    if (r.event == JournalEvent::kGateGreen) green[r.phase] = r.unix_ms;
  }
  REQUIRE(green.size() == 2);
  CHECK(green["second"] - waiting["second"] >= 300);
}

TEST_CASE("a green result taken while the step ran is not evidence after it") {
  // The step's record is cut to the millisecond; a result taken during the
  // step falls in that millisecond. It must not count toward stable_for.
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          stable_for: 300ms
          timeout: 5s
      phases:
        - name: only
          steps:
            - run: {on: n1, command: echo one}
          wait_for: [g]
)");
  h.runner.on_command = [&](const std::string&, const std::string&) {
    h.results.set("a", checks::Status::ok);
  };
  asio::steady_timer later(h.io);
  h.results.on_hurry = [&](const std::string& key) {
    later.expires_after(milliseconds(400));
    later.async_wait([&, key](auto) { h.results.set(key, checks::Status::ok); });
  };
  CHECK(h.run() == RunOutcome::kFinished);
  std::int64_t stepped = 0, green = 0;
  for (const auto& r : h.records()) {
    if (r.event == JournalEvent::kStepFinished) stepped = r.unix_ms;
    if (r.event == JournalEvent::kGateGreen) green = r.unix_ms;
  }
  // Green from the result 400 ms after the step, held 300 ms: not at 300.
  CHECK(green - stepped >= 650);
}

TEST_CASE("a check's own stable_for replaces the gate's for that check") {
  // b turns green 500 ms after the step and holds nothing of its own
  // (a check whose verdict already holds a wait); a, green at once, holds
  // its own 800 ms rather than the gate's 600 ms. The gate opens when a's
  // hold is over (800 ms), not 600 ms after b (1100 ms).
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a, stable_for: 800ms}, {check: b, stable_for: 0s}]
          stable_for: 600ms
          timeout: 5s
      phases:
        - name: first
          steps:
            - run: {on: n1, command: echo one}
          wait_for: [g]
)");
  asio::steady_timer later(h.io);
  h.results.on_hurry = [&](const std::string& key) {
    if (key != "b") return h.results.set(key, checks::Status::ok);
    later.expires_after(milliseconds(500));
    later.async_wait([&, key](auto) { h.results.set(key, checks::Status::ok); });
  };
  CHECK(h.run() == RunOutcome::kFinished);
  std::int64_t waiting = 0, green = 0;
  for (const auto& r : h.records()) {
    if (r.event == JournalEvent::kGateWaiting) waiting = r.unix_ms;
    if (r.event == JournalEvent::kGateGreen) green = r.unix_ms;
  }
  CHECK(green - waiting >= 800);
  CHECK(green - waiting < 1100);
}

TEST_CASE("a gate that times out pauses with why it is red, skip is journaled with the reason") {
  ExecutorHarness h(R"(      gates:
        g:
          description: volumes stopped
          checks: [{check: a}]
          timeout: 200ms
          on_timeout: look at the bricks
      phases:
        - name: only
          wait_for: [g]
        - name: after
          steps:
            - run: {on: n2, command: echo after}
)");
  const std::string key = "a";
  h.results.on_hurry = [&](const std::string& k) {
    h.results.set(k, checks::Status::critical, "volspoms1 is started");
  };
  h.person.decisions.push_back({Decision::Kind::kSkip, "stopped by hand"});
  CHECK(h.run() == RunOutcome::kFinished);
  REQUIRE(h.person.pauses.size() == 1);
  const auto& pause = h.person.pauses[0];
  CHECK(pause.cause == runbook::Pause::Cause::kGateTimedOut);
  CHECK_THAT(pause.explanation, Catch::Contains("a: volspoms1 is started"));
  CHECK_THAT(pause.explanation, Catch::Contains("look at the bricks"));
  CHECK(pause.choices == std::vector<Decision::Kind>{Decision::Kind::kRetry, Decision::Kind::kSkip,
                                                     Decision::Kind::kAbort});
  CHECK(h.results.hurried.front().first == key);
  bool skipped = false;
  for (const auto& r : h.records())
    skipped |= r.event == JournalEvent::kGateSkipped && r.detail == "stopped by hand";
  CHECK(skipped);
  CHECK(h.runner.count("echo after") == 1);
}

TEST_CASE("retries run again on the failed nodes only, after the delay") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[1-3]", command: umount -a, retries: 2, retry_delay: 100ms}
)");
  h.runner.exits["n2"] = {1, 1};
  const auto begin = std::chrono::steady_clock::now();
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(std::chrono::steady_clock::now() - begin >= milliseconds(200));
  CHECK(h.runner.recorded == std::vector<std::string>{"n1: umount -a", "n2: umount -a",
                                                      "n3: umount -a", "n2: umount -a",
                                                      "n2: umount -a"});
}

TEST_CASE("a failure budget lets a step finish with failed nodes, beyond it the run pauses") {
  SECTION("within the budget") {
    ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[1-4]", command: poweroff, max_failed_nodes: 1}
)");
    h.runner.exits["n3"] = {1};
    CHECK(h.run() == RunOutcome::kFinished);
    CHECK(h.person.pauses.empty());
    // [2]: change-approved (--yes), [3] step-started
    CHECK(h.records()[4].detail == "n[1-4]");  // step-remote: where the command went
    CHECK_THAT(h.records()[5].detail,
               Catch::Contains("1 failed within the budget of 1 (n3: exit 1)"));
  }
  SECTION("beyond it: retry the failed nodes only") {
    ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[1-4]", command: poweroff, max_failed_nodes: 1}
)");
    h.runner.exits["n3"] = {1};
    h.runner.exits["n4"] = {2};
    h.person.decisions.push_back({Decision::Kind::kRetryFailedNodes, ""});
    CHECK(h.run() == RunOutcome::kFinished);
    REQUIRE(h.person.pauses.size() == 1);
    CHECK(h.person.pauses[0].failed_nodes == "n[3-4]");
    CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("n3: exit 1; n4: exit 2"));
    CHECK(h.person.pauses[0].choices.size() == 4);
    CHECK(h.runner.count("poweroff") == 6);
    CHECK(h.runner.recorded[4] == "n3: poweroff");
    CHECK(h.runner.recorded[5] == "n4: poweroff");
  }
}

TEST_CASE("allowed exit codes are successes") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[2-3]", command: pkill glusterfs, allowed_exit_codes: [0, 1]}
)");
  h.runner.exits["n2"] = {1};
  CHECK(h.run() == RunOutcome::kFinished);
}

TEST_CASE("abort at a pause ends the run, journaled, later steps never run") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: n2, command: gluster volume stop v1}
            - run: {on: n2, command: echo never}
)");
  h.runner.exits["n2"] = {1};
  h.person.decisions.push_back({Decision::Kind::kAbort, "brick trouble"});
  CHECK(h.run() == RunOutcome::kAborted);
  CHECK(h.runner.count("echo never") == 0);
  CHECK(h.records().back().event == JournalEvent::kRunAborted);
  CHECK(h.records().back().detail == "brick trouble");
  CHECK(h.last_snapshot->state == runbook::RunSnapshot::State::kAborted);
  // A later resume of an aborted run does nothing.
  CHECK(h.run() == RunOutcome::kAborted);
  CHECK(h.runner.count("echo never") == 0);
}

TEST_CASE("leaving a failure paused, then resuming, asks again and retry runs the step") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: n2, command: gluster volume stop v1}
)");
  h.runner.exits["n2"] = {1};
  CHECK(h.run() == RunOutcome::kPaused);
  CHECK(h.last_snapshot->pause_reason.find("exit 1") != std::string::npos);
  h.person.decisions.push_back({Decision::Kind::kRetry, ""});
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.person.pauses.size() == 2);
  CHECK(h.runner.count("volume stop") == 2);
}

TEST_CASE("the first step that changes the cluster needs the operator's yes unless --yes") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - manual: routers are halted
            - run: {on: n2, command: poweroff}
            - run: {on: n3, command: poweroff}
)");
  h.options.assume_yes = false;
  h.person.confirms.push_back(false);
  CHECK(h.run() == RunOutcome::kPaused);
  CHECK(h.runner.recorded.empty());
  REQUIRE(h.person.questions.size() == 2);
  CHECK_THAT(h.person.questions[1], Catch::Contains("changes the cluster"));
  CHECK(h.run() == RunOutcome::kFinished);  // asked once more, then yes
  CHECK(h.runner.recorded.size() == 2);
  CHECK(h.person.questions.size() == 3);
}

TEST_CASE("the approval shows the nodes and the command as they would run, not as written") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[1-3]", exclude: self, command: "stop {{ nodes(\"n[2-3]\") }}"}
            - power: {on: "n[2-3]", action: "off"}
)");
  h.options.assume_yes = false;
  h.person.confirms.push_back(false);
  CHECK(h.run() == RunOutcome::kPaused);
  REQUIRE(h.person.questions.size() == 1);
  CHECK_THAT(h.person.questions[0],
             Catch::Contains("changes the cluster: run on n[2-3] (2 nodes): stop n2 n3"));
  CHECK(h.runner.recorded.empty());
}

namespace {
// A dynamic source whose one group "moving" holds what the test says.
class MovingSource : public GroupSource {
 public:
  std::optional<std::string> map(std::string_view group) const override {
    return group == "moving" ? std::optional<std::string>(nodes) : std::nullopt;
  }
  std::vector<std::string> list() const override { return {"moving"}; }
  std::optional<std::string> all() const override { return nodes; }
  bool dynamic() const override { return true; }
  std::string nodes = "n2";
};
}  // namespace

TEST_CASE("what the operator approved is what runs: a group moved meanwhile is asked again") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "@dyn:moving", command: "stop"}
)",
                    "  fleet: {kind: fleet_units, vms: n1, group_source: dyn, command: [\"true\"]}\n");
  auto source = std::make_shared<MovingSource>();
  h.groups->add_source("dyn", source);
  // The group moves once, while the first question is open: the refresh
  // made when the answer comes sees n3 where the question showed n2.
  int refreshes = 0;
  h.options.refresh_groups = [&] {
    if (++refreshes == 2) source->nodes = "n3";
  };
  h.options.assume_yes = false;
  h.person.confirms = {true, true};
  CHECK(h.run() == RunOutcome::kFinished);
  REQUIRE(h.person.questions.size() == 2);
  CHECK_THAT(h.person.questions[0], Catch::Contains("run on n2 (1 node): stop"));
  CHECK_THAT(h.person.questions[1], Catch::Contains("changed while the question was open"));
  CHECK_THAT(h.person.questions[1], Catch::Contains("Was: run on n2 (1 node): stop"));
  CHECK_THAT(h.person.questions[1], Catch::Contains("Now: run on n3 (1 node): stop"));
  CHECK(h.runner.recorded == std::vector<std::string>{"n3: stop"});
  // Nothing moved after the second answer: the step ran on what it showed,
  // without another look at the groups in between.
  CHECK(refreshes == 3);
}

TEST_CASE("power steps run the site's BMC command on greenlight's host, words quoted") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - power: {on: "n[2-3]", action: "on"}
)");
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.recorded ==
        std::vector<std::string>{"n1: bmc -H 10.9.0.2 power on", "n1: bmc -H 10.9.0.3 power on"});
}

TEST_CASE("save_group records a node set that later steps use as @run:NAME") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - save_group: {name: before, nodes: "n[2-3]"}
            - run: {on: self, command: 'echo {{ nodes("@run:before", format="vm-%s") }}'}
)");
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.runner.recorded == std::vector<std::string>{"n1: echo vm-n2 vm-n3"});
  CHECK(h.records()[3].detail == "@run:before=n[2-3]");
}

TEST_CASE("a dry run waits on no gate and runs every command through the given runner") {
  ExecutorHarness h(kTwoPhases);
  h.options.dry_run = true;
  h.options.assume_yes = false;
  DryRunRunner dry(h.io);
  CHECK(h.run(&dry) == RunOutcome::kFinished);
  CHECK(dry.recorded().size() == 4);
  CHECK(h.results.hurried.empty());
  CHECK(h.person.questions.empty());
}

TEST_CASE("the snapshot shows phases, steps and their durations") {
  ExecutorHarness h(kTwoPhases);
  h.results.on_hurry = [&h](const std::string& key) { h.results.set(key, checks::Status::ok); };
  h.options.from_phase = "second";
  CHECK(h.run() == RunOutcome::kFinished);
  const auto& s = *h.last_snapshot;
  REQUIRE(s.phases.size() == 2);
  CHECK(s.phases[0].state == runbook::PhaseState::kSkipped);
  CHECK(s.phases[1].state == runbook::PhaseState::kDone);
  REQUIRE(s.steps.size() == 3);
  CHECK(s.steps[2].state == runbook::StepState::kFinished);
  CHECK(s.steps[0].state == runbook::StepState::kNotStarted);
  CHECK(s.state == runbook::RunSnapshot::State::kFinished);
  CHECK(h.runner.recorded == std::vector<std::string>{"n3: echo three"});
}

TEST_CASE("a failed power step names each node's BMC command and why it failed") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - power: {on: "n[2-4]", action: "off"}
)");
  const std::string refused = "Error: Unable to establish IPMI v2 / RMCP+ session\n";
  h.runner.failing_commands["10.9.0.2 "] = {1, refused};
  h.runner.failing_commands["10.9.0.3 "] = {1, refused};
  h.runner.failing_commands["10.9.0.4 "] = {
      1, "Get Session Challenge command failed\n  Error: Unable to establish LAN session \n\n"};
  CHECK(h.run() == RunOutcome::kPaused);
  REQUIRE(h.person.pauses.size() == 1);
  const std::string reason =
      "failed on n[2-4] (n[2-3]: exit 1: Error: Unable to establish IPMI v2 / RMCP+ session "
      "(command on n2: bmc -H 10.9.0.2 power off; likewise on n3); n4: exit 1: Error: Unable to "
      "establish LAN session (command: bmc -H 10.9.0.4 power off))";
  CHECK_THAT(h.person.pauses[0].explanation, Catch::EndsWith(reason));
  CHECK(h.person.pauses[0].failed_nodes == "n[2-4]");
  bool journaled = false;
  for (const auto& r : h.records())
    journaled |= r.event == JournalEvent::kStepFailed && r.detail == reason;
  CHECK(journaled);
  bool shown = false;
  for (const auto& line : h.person.lines)
    shown |= line == "  n[2-3] (2): exit 1: Error: Unable to establish IPMI v2 / RMCP+ session";
  CHECK(shown);
}

TEST_CASE("a failed run step gives its stderr's last line, its command is in the step") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: "n[2-3]", command: umount -a}
)");
  h.runner.failing_commands["umount"] = {32, "umount: /gluster: target is busy\n"};
  CHECK(h.run() == RunOutcome::kPaused);
  REQUIRE(h.person.pauses.size() == 1);
  CHECK_THAT(h.person.pauses[0].explanation,
             Catch::EndsWith("(run on n[2-3]: umount -a): failed on n[2-3] (n[2-3]: exit 32: "
                             "umount: /gluster: target is busy)"));
}

TEST_CASE("a red gate reports a line when its reason changes, not when a green check's message does") {
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}, {check: b}]
          timeout: 5s
      phases:
        - name: only
          steps:
            - run: {on: n1, command: echo}
          wait_for: [g]
)");
  bool started = false;
  h.results.on_hurry = [&](const std::string&) {
    if (started) return;
    started = true;
    h.results.set("a", checks::Status::critical, "a is down");
    h.results.set("b", checks::Status::ok, "b: 1 ms");
  };
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  for (int i = 1; i <= 6; ++i) {
    timers.push_back(std::make_unique<asio::steady_timer>(h.io, milliseconds(60 * i)));
    timers.back()->async_wait([&h, i](const boost::system::error_code&) {
      h.results.set("b", checks::Status::ok, fmt::format("b: {} ms", i + 1));
    });
  }
  asio::steady_timer green(h.io, milliseconds(450));
  green.async_wait([&h](const boost::system::error_code&) {
    h.results.set("a", checks::Status::ok, "a is up");
  });
  CHECK(h.run() == RunOutcome::kFinished);
  std::size_t red_lines = 0;
  for (const auto& line : h.person.lines) red_lines += line.find("red after") != std::string::npos;
  INFO(fmt::format("{}", fmt::join(h.person.lines, "\n")));
  CHECK(red_lines == 1);
}

TEST_CASE("a red reason whose only change is its figures is not printed again at once") {
  ExecutorHarness h(R"(      gates:
        g:
          checks: [{check: a}]
          timeout: 5s
      phases:
        - name: only
          wait_for: [g]
)");
  asio::steady_timer tick(h.io);
  int uptime = 0;
  std::function<void(const std::string&)> count_up = [&](const std::string& key) {
    if (uptime == 8) return h.results.set(key, checks::Status::ok);
    h.results.set(key, checks::Status::unknown, fmt::format("Prometheus up {}s", uptime++));
    tick.expires_after(milliseconds(50));
    tick.async_wait([&, key](auto) { count_up(key); });
  };
  h.results.on_hurry = [&](const std::string& key) {
    if (uptime == 0) count_up(key);
  };
  CHECK(h.run() == RunOutcome::kFinished);
  int red_lines = 0;
  for (const auto& line : h.person.lines) red_lines += line.find("red after") != std::string::npos;
  CHECK(red_lines == 1);
}
