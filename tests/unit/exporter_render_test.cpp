// The exporter's bodies from a known snapshot: /metrics series (kept when a
// check fails, histograms across runs, runs and gates), the /api/v1 JSON.
#include <catch2/catch.hpp>

#include "greenlight/control/published_run.h"
#include "greenlight/exporter/server.h"

using greenlight::checks::CheckResult;
using greenlight::checks::Status;
using namespace greenlight::exporter;

namespace {

CheckResult result(Status status, std::chrono::seconds at) {
  CheckResult r;
  r.status = status;
  r.message = "a \"quoted\" message\nsecond line";
  r.started = std::chrono::system_clock::time_point(at - std::chrono::seconds(2));
  r.finished = std::chrono::system_clock::time_point(at);
  return r;
}

// Runs and gates as a source publishes them, with the run states' words
// from their owner (runbook, through control).
class PublishedRuns : public RunCollectable {
 public:
  void publish(std::vector<RunState> runs, std::vector<GateState> gates) {
    auto next = std::make_shared<CollectedRuns>();
    next->number = collected_->number + 1;
    next->run_states = greenlight::control::run_state_words();
    next->runs = std::move(runs);
    next->gates = std::move(gates);
    collected_ = std::move(next);
  }
  std::shared_ptr<const CollectedRuns> collect() const override { return collected_; }

 private:
  std::shared_ptr<const CollectedRuns> collected_ = std::make_shared<const CollectedRuns>();
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("every check has status, success, duration and timestamps") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"heal", "gluster_heal", "top1"});
  store.declare({"later", "command", "top1"});
  store.record("heal", result(Status::ok, std::chrono::seconds(1000)));
  const auto text = render_metrics(snapshot, "1.2.3");
  CHECK(has_line(text, R"(greenlight_build_info{version="1.2.3"} 1)"));
  CHECK(has_line(text, R"(greenlight_check_status{check="heal",kind="gluster_heal"} 0)"));
  CHECK(has_line(text, R"(greenlight_check_success{check="heal",kind="gluster_heal"} 1)"));
  CHECK(has_line(text, R"(greenlight_check_duration_seconds{check="heal",kind="gluster_heal"} 2)"));
  CHECK(has_line(
      text,
      R"(greenlight_check_last_success_timestamp_seconds{check="heal",kind="gluster_heal"} 1000)"));
  CHECK(has_line(
      text,
      R"(greenlight_check_last_ok_timestamp_seconds{check="heal",kind="gluster_heal"} 1000)"));
  CHECK(has_line(text, R"(greenlight_check_status{check="later",kind="command"} 3)"));
  CHECK(has_line(text, R"(greenlight_check_success{check="later",kind="command"} 0)"));
  CHECK(has_line(
      text, R"(greenlight_check_last_success_timestamp_seconds{check="later",kind="command"} 0)"));
}

TEST_CASE("a check that cannot read its source keeps its series, NaN, with success 0") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"heal", "gluster_heal", "top1"});
  auto ok = result(Status::warning, std::chrono::seconds(1000));
  ok.add_sample("gluster_volume_heal_count", {{"volume", "v1"}, {"brick", "top1:/b"}}, 4);
  store.record("heal", ok);
  CHECK(has_line(render_metrics(snapshot, "x"),
                 R"(gluster_volume_heal_count{check="heal",volume="v1",brick="top1:/b"} 4)"));
  store.record("heal", result(Status::unknown, std::chrono::seconds(1030)));
  const auto text = render_metrics(snapshot, "x");
  CHECK(
      has_line(text, R"(gluster_volume_heal_count{check="heal",volume="v1",brick="top1:/b"} Nan)"));
  CHECK(has_line(text, R"(greenlight_check_success{check="heal",kind="gluster_heal"} 0)"));
  // The last success stays at the run that could judge; it was never ok.
  CHECK(has_line(
      text,
      R"(greenlight_check_last_success_timestamp_seconds{check="heal",kind="gluster_heal"} 1000)"));
  CHECK(has_line(
      text, R"(greenlight_check_last_ok_timestamp_seconds{check="heal",kind="gluster_heal"} 0)"));
}

TEST_CASE("a judged result replaces the series: a peer removed from the pool goes away") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"peers", "gluster_peers", "top1"});
  auto two = result(Status::ok, std::chrono::seconds(10));
  two.add_sample("gluster_peer_connected", {{"hostname", "top2"}}, 1);
  two.add_sample("gluster_peer_connected", {{"hostname", "top3"}}, 1);
  store.record("peers", two);
  auto one = result(Status::ok, std::chrono::seconds(20));
  one.add_sample("gluster_peer_connected", {{"hostname", "top2"}}, 1);
  store.record("peers", one);
  CHECK(render_metrics(snapshot, "x").find("top3") == std::string::npos);
}

TEST_CASE("probe RTTs accumulate into a histogram across runs") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"ping", "fping", "top1"});
  auto first = result(Status::ok, std::chrono::seconds(10));
  first.add_observation("greenlight_ping_probe_rtt_seconds", {{"target", "top2"}}, 0.0003);
  first.add_observation("greenlight_ping_probe_rtt_seconds", {{"target", "top2"}}, 0.02);
  store.record("ping", first);
  auto second = result(Status::ok, std::chrono::seconds(20));
  second.add_observation("greenlight_ping_probe_rtt_seconds", {{"target", "top2"}}, 3.0);
  store.record("ping", second);
  const auto text = render_metrics(snapshot, "x");
  CHECK(text.find("# TYPE greenlight_ping_probe_rtt_seconds histogram") != std::string::npos);
  CHECK(has_line(
      text,
      R"(greenlight_ping_probe_rtt_seconds_bucket{check="ping",target="top2",le="0.00025"} 0)"));
  CHECK(has_line(
      text,
      R"(greenlight_ping_probe_rtt_seconds_bucket{check="ping",target="top2",le="0.0005"} 1)"));
  CHECK(has_line(
      text,
      R"(greenlight_ping_probe_rtt_seconds_bucket{check="ping",target="top2",le="0.025"} 2)"));
  CHECK(has_line(
      text, R"(greenlight_ping_probe_rtt_seconds_bucket{check="ping",target="top2",le="2.5"} 2)"));
  CHECK(has_line(
      text, R"(greenlight_ping_probe_rtt_seconds_bucket{check="ping",target="top2",le="+Inf"} 3)"));
  CHECK(has_line(text, R"(greenlight_ping_probe_rtt_seconds_count{check="ping",target="top2"} 3)"));
}

TEST_CASE("runs and gates: empty lists and one active-run series until published") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  for (const bool with_source : {false, true}) {
    PublishedRuns runs;
    if (with_source) snapshot.collect_runs(&runs);
    CHECK(render_runs_json(snapshot).find(R"("runs": [])") != std::string::npos);
    CHECK(render_gates_json(snapshot).find(R"("gates": [])") != std::string::npos);
    const auto text = render_metrics(snapshot, "x");
    CHECK(has_line(text, "greenlight_runs_active 0"));
    CHECK(text.find("greenlight_gate_waiting_seconds") == std::string::npos);
    snapshot.collect_runs(nullptr);
  }
}

TEST_CASE("each publication of the runs' source makes the snapshot's version change") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  PublishedRuns runs;
  snapshot.collect_runs(&runs);
  const auto before = snapshot.version();
  runs.publish({}, {});
  CHECK(snapshot.version() != before);
  const auto published = snapshot.version();
  store.declare({"heal", "gluster_heal", "top1"});
  CHECK(snapshot.version() != published);
}

TEST_CASE("published runs and gates become series and JSON") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  PublishedRuns source;
  snapshot.collect_runs(&source);
  const auto now = std::chrono::system_clock::now();
  RunState run{"r1", "restart", "waiting", now - std::chrono::minutes(10), {},
               "waiting for gate volumes-healed", ""};
  run.phases.push_back(
      {"stop-vms", "done", now - std::chrono::minutes(10), now - std::chrono::minutes(8), {}});
  run.phases.push_back({"heal",
                        "waiting",
                        now - std::chrono::minutes(8),
                        std::nullopt,
                        {{"trigger-heal", "done", "Launching heal operation", "run",
                          std::chrono::milliseconds(2500)},
                         {"2", "pending", "", "confirm", std::nullopt}}});
  GateState gate{"volumes-healed",
                 "r1",
                 "heal",
                 "red",
                 "24 entries pending",
                 {"heal"},
                 now - std::chrono::minutes(5)};
  source.publish({run}, {gate});
  const auto text = render_metrics(snapshot, "x");
  CHECK(has_line(text, "greenlight_runs_active 1"));
  CHECK(has_line(
      text,
      R"(greenlight_run_phase_state{run="r1",runbook="restart",phase="heal",state="waiting"} 1)"));
  CHECK(has_line(
      text,
      R"(greenlight_run_phase_state{run="r1",runbook="restart",phase="heal",state="done"} 0)"));
  CHECK(has_line(
      text,
      R"(greenlight_run_phase_duration_seconds{run="r1",runbook="restart",phase="stop-vms"} 120)"));
  CHECK(has_line(text, R"(greenlight_gate_green{run="r1",phase="heal",gate="volumes-healed"} 0)"));
  CHECK(text.find(
            R"(greenlight_gate_waiting_seconds{run="r1",phase="heal",gate="volumes-healed"} 30)") !=
        std::string::npos);
  const auto gates = render_gates_json(snapshot);
  CHECK(gates.find(R"("name": "volumes-healed", "run": "r1", "phase": "heal", "status": "red")") !=
        std::string::npos);
  CHECK(gates.find(R"("checks": ["heal"])") != std::string::npos);
  const auto runs = render_runs_json(snapshot);
  CHECK(runs.find(R"("name": "heal", "state": "waiting")") != std::string::npos);
  CHECK(
      runs.find(
          R"("steps": [{"name": "trigger-heal", "state": "done", "message": "Launching heal operation", "kind": "run", "duration": 2.500}, )") !=
      std::string::npos);
  CHECK(runs.find(R"("kind": "confirm", "duration": null}])") != std::string::npos);
  CHECK(runs.find(
            R"("state": "waiting", "message": "waiting for gate volumes-healed", "started": )") !=
        std::string::npos);
  CHECK(has_line(text, R"(greenlight_run_state{run="r1",runbook="restart",state="waiting"} 1)"));
  CHECK(has_line(text, R"(greenlight_run_state{run="r1",runbook="restart",state="paused"} 0)"));
  CHECK(has_line(
      text,
      R"(greenlight_run_step_state{run="r1",runbook="restart",phase="heal",step="trigger-heal",kind="run",state="done"} 1)"));
  CHECK(has_line(
      text,
      R"(greenlight_run_step_state{run="r1",runbook="restart",phase="heal",step="2",kind="confirm",state="pending"} 1)"));
  CHECK(has_line(
      text,
      R"(greenlight_run_step_duration_seconds{run="r1",runbook="restart",phase="heal",step="trigger-heal",kind="run"} 2.5)"));
  CHECK(text.find(R"(greenlight_run_step_duration_seconds{run="r1",runbook="restart",phase="heal",step="2")") ==
        std::string::npos);
  CHECK(text.find("greenlight_gate_remedy_attempts_total") == std::string::npos);
}

TEST_CASE("a gate's remedies: a counter per gate, the run's and the gate's JSON") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  PublishedRuns source;
  snapshot.collect_runs(&source);
  const auto now = std::chrono::system_clock::now();
  RunState run{"r1", "shutdown", "waiting", now, {}, "waiting for gate g", ""};
  run.remedies.push_back(
      {"stop-vms", "vms-stopped", 2, "attempt 2 of 2: admin1 (running) on top2: ok"});
  GateState gate{"vms-stopped",   "r1", "stop-vms", "red", "1 unit not stopped",
                 {"fleet-units"}, now};
  gate.remedy = "attempt 2 of 2: admin1 (running) on top2: ok";
  source.publish({run}, {gate});
  const auto text = render_metrics(snapshot, "x");
  CHECK(text.find("# TYPE greenlight_gate_remedy_attempts_total counter") != std::string::npos);
  CHECK(has_line(
      text,
      R"(greenlight_gate_remedy_attempts_total{run="r1",phase="stop-vms",gate="vms-stopped"} 2)"));
  CHECK(render_runs_json(snapshot).find(
            R"("remedies": [
  {"phase": "stop-vms", "gate": "vms-stopped", "attempts": 2, "last": "attempt 2 of 2: admin1 (running) on top2: ok"}
])") != std::string::npos);
  CHECK(render_gates_json(snapshot).find(
            R"("remedy": "attempt 2 of 2: admin1 (running) on top2: ok")") != std::string::npos);
}

TEST_CASE("a gate's own variant of a check has series and JSON under its own name") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"fleet-units", "fleet_units", "top1"});
  store.declare({"fleet-units{expect=stopped,vms=admin[1-2]}", "fleet_units", "top1"});
  auto red = result(Status::critical, std::chrono::seconds(1000));
  red.add_sample("greenlight_fleet_unit_active", {{"unit", "pcocc-vm-admin1.service"}}, 1);
  store.record("fleet-units{expect=stopped,vms=admin[1-2]}", red);
  store.record("fleet-units", result(Status::ok, std::chrono::seconds(1000)));
  const auto text = render_metrics(snapshot, "x");
  CHECK(has_line(
      text,
      R"(greenlight_check_status{check="fleet-units{expect=stopped,vms=admin[1-2]}",kind="fleet_units"} 2)"));
  CHECK(has_line(text, R"(greenlight_check_status{check="fleet-units",kind="fleet_units"} 0)"));
  CHECK(has_line(
      text,
      R"(greenlight_fleet_unit_active{check="fleet-units{expect=stopped,vms=admin[1-2]}",unit="pcocc-vm-admin1.service"} 1)"));
  const auto json = render_checks_json(snapshot);
  CHECK(json.find(
            R"({"check": "fleet-units{expect=stopped,vms=admin[1-2]}", "kind": "fleet_units", "host": "top1", "status": "CRITICAL")") !=
        std::string::npos);
}

TEST_CASE("the checks JSON escapes messages and carries the server's time") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"heal", "gluster_heal", "top1"});
  store.declare({"later", "command", "top1"});
  store.record("heal", result(Status::critical, std::chrono::seconds(1000)));
  const auto json = render_checks_json(snapshot);
  CHECK(json.find(R"("now": )") != std::string::npos);
  CHECK(json.find(R"("message": "a \"quoted\" message\nsecond line")") != std::string::npos);
  CHECK(json.find(R"("status": "CRITICAL")") != std::string::npos);
  CHECK(json.find(R"("status": "PENDING", "message": "not run yet", "started": null)") !=
        std::string::npos);
}

TEST_CASE("reload keeps the results of checks declared again, drops the others") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  store.declare({"heal", "gluster_heal", "top1"});
  store.declare({"gone", "command", "top1"});
  store.record("heal", result(Status::ok, std::chrono::seconds(1000)));
  store.redeclare({{"heal", "gluster_heal", "top1"}, {"new", "command", "top1"}});
  const auto checks = snapshot.checks()->checks;
  REQUIRE(checks.size() == 2);
  CHECK(checks[0]->result != nullptr);
  CHECK(checks[1]->name == "new");
  CHECK(checks[1]->result == nullptr);
}

TEST_CASE("readiness JSON: null until judged, then every runbook's gates and checks") {
  greenlight::checks::ResultStore store;
  Snapshot snapshot(store);
  CHECK(render_readiness_json(snapshot).find(R"("judged": null, "runbooks": [])") !=
        std::string::npos);
  ReadinessCheckState flag{"flag", "flag", "", "CRITICAL", "no \"flag\" file", true,
                           "CRITICAL now", std::chrono::system_clock::time_point{}};
  ReadinessCheckState ping{"ping", "ping{expect=unreachable}", "targets=@loopback", "UNKNOWN",
                           "not evaluated yet", true, "cannot look now", std::nullopt};
  class Judged : public ReadinessCollectable {
   public:
    std::shared_ptr<const Readiness> collect_readiness() const override { return readiness; }
    std::shared_ptr<const Readiness> readiness;
  } judged;
  judged.readiness = std::make_shared<const Readiness>(Readiness{
      std::chrono::system_clock::now(),
      {{"day", true, "would block at gate armed", {{"armed", "pre", "", true, true, {flag}},
                                                   {"gone", "pre", "", false, true, {ping}}}}}});
  snapshot.collect_readiness(&judged);
  const auto json = render_readiness_json(snapshot);
  CHECK(json.find(R"("judged": null)") == std::string::npos);
  CHECK(json.find(R"({"runbook": "day", "blocks": true, "summary": "would block at gate armed")") !=
        std::string::npos);
  CHECK(json.find(R"("before_first_step": true, "blocks": true)") != std::string::npos);
  CHECK(json.find(R"("message": "no \"flag\" file", "blocks": true, "why": "CRITICAL now", "evidence": 0.000})") !=
        std::string::npos);
  CHECK(json.find(R"("nodes": "targets=@loopback", "status": "UNKNOWN")") != std::string::npos);
  CHECK(json.find(R"("evidence": null})") != std::string::npos);
  CHECK(json.find(R"("summary": "would block at gate armed", "oldest_evidence": null)") !=
        std::string::npos);
}
