// The executor's RunSnapshot as the exporter publishes it: every state,
// phase and step field, and the gate waited on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>

#include "greenlight/control/protocol.h"
#include "greenlight/control/published_run.h"
#include "greenlight/runbook/executor.h"

using namespace greenlight;
using runbook::PhaseState;
using runbook::RunSnapshot;
using runbook::StepKind;
using runbook::StepState;
using std::chrono::milliseconds;
using std::chrono::seconds;
using State = RunSnapshot::State;

namespace {

const auto kNow = std::chrono::system_clock::time_point(seconds(1'764'100'000));
const auto kStarted = kNow - seconds(600);

runbook::GateCheckState gate_check(std::string name, runbook::GateCheckState::State state,
                                   std::string message) {
  runbook::GateCheckState check;
  check.check = name;
  check.key = name;
  check.state = state;
  check.message = std::move(message);
  return check;
}

// stop-vms done (60 s), heal running (30 s so far), start pending, skipped one.
RunSnapshot restart_run(State state) {
  RunSnapshot run;
  run.run = "restart-20261126-000000";
  run.runbook = "restart";
  run.state = state;
  // Phases and steps that ran in this process are timed (their durations measured).
  run.phases = {{"preflight", "", PhaseState::kSkipped, milliseconds(0), false},
                {"stop-vms", "Stop", PhaseState::kDone, seconds(60), true},
                {"heal", "Heal", PhaseState::kRunning, seconds(30), true},
                {"start", "", PhaseState::kPending, milliseconds(0), false}};
  run.steps = {{"stop-vms", 1, StepKind::kRun, StepState::kFinished, seconds(2), "here: ok", true},
               {"heal", 1, StepKind::kRun, StepState::kFailed, seconds(3), "failed on top2", true},
               {"heal", 2, StepKind::kConfirm, StepState::kStarted, seconds(5), "", true},
               {"heal", 3, StepKind::kManual, StepState::kNotStarted, milliseconds(0), "", false},
               {"start", 1, StepKind::kPower, StepState::kSkipped, milliseconds(0), "by hand", false}};
  return run;
}

const exporter::PhaseState& phase(const exporter::RunState& run, const std::string& name) {
  for (const auto& p : run.phases) {
    if (p.name == name) return p;
  }
  FAIL("no phase " << name);
  return run.phases.front();
}

}  // namespace

TEST_CASE("a run's state has one vocabulary: the protocol's, the exporter's, the terminal's") {
  CHECK(std::string(runbook::to_string(State::kRunning)) == "running");
  CHECK(std::string(runbook::to_string(State::kWaitingForGate)) == "waiting");
  CHECK(std::string(runbook::to_string(State::kWaitingForOperator)) == "asking");
  CHECK(std::string(runbook::to_string(State::kPaused)) == "paused");
  CHECK(std::string(runbook::to_string(State::kFinished)) == "done");
  CHECK(std::string(runbook::to_string(State::kAborted)) == "aborted");
  CHECK(std::string(runbook::to_string(State::kPoweredOff)) == "powered-off");
  // The exporter's series (greenlight_run_state{state}) take the words
  // control hands it: these states, in this order, and nothing else.
  const auto words = control::run_state_words();
  REQUIRE(words.size() == std::size(runbook::kRunSnapshotStates));
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto state = runbook::kRunSnapshotStates[i];
    CHECK(words[i] == runbook::to_string(state));
    // Every word reads back as its state (the terminal parses the protocol's).
    CHECK(runbook::parse_run_state(runbook::to_string(state)) == state);
    // A run that stopped has an outcome whose word is its state's.
    if (const auto outcome = runbook::outcome_of(state)) {
      CHECK(runbook::state_of(*outcome) == state);
      CHECK(std::string(runbook::to_string(*outcome)) == runbook::to_string(state));
    }
  }
  CHECK_FALSE(runbook::outcome_of(State::kRunning));
  CHECK_FALSE(runbook::outcome_of(State::kWaitingForGate));
  CHECK_FALSE(runbook::outcome_of(State::kWaitingForOperator));
  CHECK_FALSE(runbook::parse_run_state("finished"));
  CHECK_FALSE(runbook::parse_run_state(control::kStoppedOutcome));
  // Sentences keep the operator's words.
  CHECK(std::string(runbook::describe(State::kWaitingForOperator)) == "waiting for the operator");
  CHECK(std::string(runbook::describe(State::kFinished)) == "finished");
}

TEST_CASE("a run's phases, steps, times and messages") {
  auto snapshot = restart_run(State::kRunning);
  const auto run = control::published_run(snapshot, kStarted, kNow);
  CHECK(run.id == "restart-20261126-000000");
  CHECK(run.runbook == "restart");
  CHECK(run.state == "running");
  CHECK(run.started == kStarted);
  CHECK(run.message.empty());
  REQUIRE(run.phases.size() == 4);
  CHECK(run.phases[0].name == "preflight");
  CHECK(run.phases[0].state == "skipped");
  CHECK_FALSE(run.phases[0].started);
  CHECK(run.phases[1].state == "done");
  CHECK(run.phases[2].state == "running");
  CHECK(run.phases[3].state == "pending");
  CHECK_FALSE(run.phases[3].started);
  CHECK_FALSE(run.phases[3].finished);
  // The phase in progress started 30 s ago; the one done ran 60 s.
  REQUIRE(run.phases[2].started);
  CHECK(*run.phases[2].started == kNow - seconds(30));
  CHECK_FALSE(run.phases[2].finished);
  REQUIRE(run.phases[1].started);
  REQUIRE(run.phases[1].finished);
  CHECK(*run.phases[1].finished - *run.phases[1].started == seconds(60));

  const auto& stop = phase(run, "stop-vms");
  REQUIRE(stop.steps.size() == 1);
  CHECK(stop.steps[0].name == "1");
  CHECK(stop.steps[0].state == "done");
  CHECK(stop.steps[0].kind == "run");
  CHECK(stop.steps[0].message == "here: ok");
  CHECK(stop.steps[0].duration == milliseconds(2000));
  const auto& heal = phase(run, "heal");
  REQUIRE(heal.steps.size() == 3);
  CHECK(heal.steps[0].state == "failed");
  CHECK(heal.steps[0].message == "failed on top2");
  CHECK(heal.steps[1].name == "2");
  CHECK(heal.steps[1].state == "running");
  CHECK(heal.steps[1].kind == "confirm");
  CHECK(heal.steps[1].duration == milliseconds(5000));
  CHECK(heal.steps[2].state == "pending");
  CHECK(heal.steps[2].kind == "manual");
  CHECK_FALSE(heal.steps[2].duration);
  const auto& start = phase(run, "start");
  REQUIRE(start.steps.size() == 1);
  CHECK(start.steps[0].state == "skipped");
  CHECK(start.steps[0].kind == "power");
  CHECK(start.steps[0].message == "by hand");
  CHECK_FALSE(start.steps[0].duration);
  CHECK(phase(run, "preflight").steps.empty());
}

TEST_CASE("an aborted run says why, and the step it was aborted in failed") {
  auto snapshot = restart_run(State::kAborted);
  snapshot.abort_reason = "BMC unreachable";
  const auto run = control::published_run(snapshot, kStarted, kNow);
  CHECK(run.state == "aborted");
  CHECK(run.message == "aborted: BMC unreachable");
  CHECK(phase(run, "heal").state == "failed");
  CHECK(phase(run, "heal").steps[1].state == "failed");  // started, never ended
  CHECK(phase(run, "heal").steps[2].state == "pending");
  snapshot.abort_reason.clear();
  CHECK(control::published_run(snapshot, kStarted, kNow).message == "aborted");
}

TEST_CASE("a phase keeps the start of its previous publication") {
  auto snapshot = restart_run(State::kRunning);
  const auto first = control::published_run(snapshot, kStarted, kNow);
  // One second later the phase ran 31 s (the clocks drift by a few ms).
  snapshot.phases[2].duration = milliseconds(31'004);
  const auto second = control::published_run(snapshot, kStarted, kNow + seconds(1), &first);
  CHECK(second.phases[2].started == first.phases[2].started);
  // Then it is done after 40 s.
  snapshot.phases[2].state = PhaseState::kDone;
  snapshot.phases[2].duration = seconds(40);
  const auto third = control::published_run(snapshot, kStarted, kNow + seconds(20), &second);
  REQUIRE(third.phases[2].finished);
  CHECK(*third.phases[2].finished == *first.phases[2].started + seconds(40));
}

TEST_CASE("the phase in progress follows the run's state") {
  auto in_progress = [](State state) {
    return control::published_run(restart_run(state), kStarted, kNow).phases[2];
  };
  CHECK(in_progress(State::kWaitingForGate).state == "waiting");
  CHECK(in_progress(State::kWaitingForOperator).state == "waiting");
  CHECK(in_progress(State::kWaitingForOperator).steps[1].state == "waiting");
  CHECK(in_progress(State::kPaused).state == "failed");  // its step 1 failed
  CHECK(in_progress(State::kAborted).state == "failed");
  CHECK(in_progress(State::kPoweredOff).state == "running");
  auto snapshot = restart_run(State::kPaused);
  snapshot.steps[1].state = StepState::kFinished;
  snapshot.pause_reason = "the operator answered no";
  const auto run = control::published_run(snapshot, kStarted, kNow);
  CHECK(run.phases[2].state == "waiting");
  CHECK(run.state == "paused");
  CHECK(run.message == "the operator answered no");
  CHECK(control::published_run(restart_run(State::kPaused), kStarted, kNow).message == "paused");
  CHECK(control::published_run(restart_run(State::kWaitingForOperator), kStarted, kNow).message ==
        "waiting for the operator's answer");
  CHECK(control::published_run(restart_run(State::kPoweredOff), kStarted, kNow)
            .message.find("powering off") != std::string::npos);
}

TEST_CASE("the gate waited on: red, why, its checks and since when") {
  auto snapshot = restart_run(State::kWaitingForGate);
  CHECK(control::published_gates(restart_run(State::kRunning), kNow).empty());
  snapshot.gate = "volumes-healed";
  snapshot.gate_waited = seconds(45);
  snapshot.gate_status.gate = "volumes-healed";
  snapshot.gate_status.checks = {
      gate_check("heal", runbook::GateCheckState::State::kRed, "24 entries pending"),
      gate_check("peers", runbook::GateCheckState::State::kGreen, "3 peers connected")};
  const auto gates = control::published_gates(snapshot, kNow);
  REQUIRE(gates.size() == 1);
  const auto& gate = gates[0];
  CHECK(gate.name == "volumes-healed");
  CHECK(gate.run == "restart-20261126-000000");
  CHECK(gate.phase == "heal");
  CHECK(gate.status == "red");
  CHECK(gate.message == snapshot.gate_status.why_red());
  CHECK(gate.message.find("24 entries pending") != std::string::npos);
  CHECK(gate.checks == std::vector<std::string>{"heal", "peers"});
  REQUIRE(gate.waiting_since);
  CHECK(*gate.waiting_since == kNow - seconds(45));
  CHECK(gate.remedy.empty());
  snapshot.remedies = {
      {"stop-vms", "volumes-healed", 3, false, "attempt 1 of 1: elsewhere: ok"},
      {"heal", "volumes-healed", 1, false, "attempt 1 of 2: admin1 (running) on top2: ok"}};
  CHECK(control::published_gates(snapshot, kNow)[0].remedy ==
        "attempt 1 of 2: admin1 (running) on top2: ok");
  REQUIRE(control::published_run(snapshot, kStarted, kNow).remedies.size() == 2);
  CHECK(control::published_run(snapshot, kStarted, kNow).remedies[0].attempts == 3);
  snapshot.remedies.clear();
  const auto run = control::published_run(snapshot, kStarted, kNow);
  CHECK(run.state == "waiting");
  CHECK(run.message.rfind("waiting for gate volumes-healed: ", 0) == 0);
  CHECK(run.message.find("24 entries pending") != std::string::npos);

  // A gate's own variant of a check is named as the gate reads it, the name
  // its results have in /api/v1/checks and /metrics.
  auto narrowed = snapshot;
  narrowed.gate_status.checks[0].key = "heal{expect=healed,volumes=v1}";
  CHECK(control::published_gates(narrowed, kNow)[0].checks ==
        std::vector<std::string>{"heal{expect=healed,volumes=v1}", "peers"});

  snapshot.gate_status.checks[0].state = runbook::GateCheckState::State::kNoResult;
  CHECK(control::published_gates(snapshot, kNow)[0].status == "unknown");
  snapshot.gate_status.checks[0].state = runbook::GateCheckState::State::kGreen;
  snapshot.gate_status.green = true;
  CHECK(control::published_gates(snapshot, kNow)[0].status == "green");
  CHECK(control::published_gates(snapshot, kNow)[0].message == "green");
}
