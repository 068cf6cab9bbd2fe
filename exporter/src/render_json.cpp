// The /api/v1 bodies: checks, runs, gates and readiness. docs/exporter.md states the
// contract; the status page reads exactly these fields.
#include <fmt/format.h>

#include "greenlight/exporter/server.h"
#include "json.h"
#include "greenlight/core/json.h"

namespace greenlight::exporter {
namespace detail {

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string json_time(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? fmt::format("{:.3f}", unix_seconds(*t)) : "null";
}

}  // namespace detail

namespace {

using detail::json_string;
using detail::json_time;

std::string now_field() {
  return fmt::format("\"now\": {}", json_time(std::chrono::system_clock::now()));
}

template <typename T, typename F>
std::string json_list(const std::vector<T>& items, F item) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ",\n  " : "\n  ") + item(items[i]);
  return out + (items.empty() ? "]" : "\n]");
}

}  // namespace

std::string render_checks_json(const Snapshot& snapshot) {
  const auto version = snapshot.checks();
  const auto body = json_list(version->checks, [](const auto& stored) {
    const checks::StoredCheck& check = *stored;
    std::string out =
        fmt::format(R"({{"check": {}, "kind": {}, "host": {})", json_string(check.name),
                    json_string(check.kind), json_string(check.host));
    if (check.result) {
      const auto& r = *check.result;
      out += fmt::format(R"(, "status": {}, "message": {}, "started": {:.3f}, "finished": {:.3f})",
                         json_string(checks::to_string(r.status)), json_string(r.message),
                         detail::unix_seconds(r.started), detail::unix_seconds(r.finished));
    } else {
      out +=
          R"(, "status": "PENDING", "message": "not run yet", "started": null, "finished": null)";
    }
    out += fmt::format(R"(, "last_success": {}, "last_ok": {}}})", json_time(check.last_success),
                       json_time(check.last_ok));
    return out;
  });
  return fmt::format("{{{}, \"checks\": {}}}\n", now_field(), body);
}

std::string render_runs_json(const Snapshot& snapshot) {
  const auto collected = snapshot.runs();
  const auto body = json_list(collected->runs, [](const RunState& run) {
    const auto phases = json_list(run.phases, [](const PhaseState& p) {
      std::string steps = "[";
      for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const StepState& step = p.steps[i];
        steps += fmt::format(
            R"({}{{"name": {}, "state": {}, "message": {}, "kind": {}, "duration": {}}})",
            i ? ", " : "", json_string(step.name), json_string(step.state),
            json_string(step.message), json_string(step.kind),
            step.duration ? fmt::format("{:.3f}", std::chrono::duration<double>(*step.duration).count())
                          : std::string("null"));
      }
      steps += "]";
      return fmt::format(
          R"({{"name": {}, "state": {}, "started": {}, "finished": {}, "steps": {}}})",
          json_string(p.name), json_string(p.state), json_time(p.started), json_time(p.finished),
          steps);
    });
    const auto remedies = json_list(run.remedies, [](const RemedyState& r) {
      return fmt::format(R"({{"phase": {}, "gate": {}, "attempts": {}, "last": {}}})",
                         json_string(r.phase), json_string(r.gate), r.attempts,
                         json_string(r.last));
    });
    return fmt::format(
        R"({{"id": {}, "runbook": {}, "state": {}, "message": {}, "started": {}, "phases": {}, "excluded": {}, "remedies": {}}})",
        json_string(run.id), json_string(run.runbook), json_string(run.state),
        json_string(run.message), json_time(run.started), phases, json_string(run.excluded),
        remedies);
  });
  return fmt::format("{{{}, \"runs\": {}}}\n", now_field(), body);
}

std::string render_gates_json(const Snapshot& snapshot) {
  const auto collected = snapshot.runs();
  const auto body = json_list(collected->gates, [](const GateState& gate) {
    std::string checks = "[";
    for (std::size_t i = 0; i < gate.checks.size(); ++i) {
      checks += (i ? ", " : "") + json_string(gate.checks[i]);
    }
    checks += "]";
    return fmt::format(
        R"({{"name": {}, "run": {}, "phase": {}, "status": {}, "message": {}, "checks": {}, "waiting_since": {}, "remedy": {}}})",
        json_string(gate.name), json_string(gate.run), json_string(gate.phase),
        json_string(gate.status), json_string(gate.message), checks, json_time(gate.waiting_since),
        json_string(gate.remedy));
  });
  return fmt::format("{{{}, \"gates\": {}}}\n", now_field(), body);
}

std::string render_readiness_json(const Snapshot& snapshot) {
  auto boolean = [](bool value) { return value ? "true" : "false"; };
  const auto collected = snapshot.readiness();
  const Readiness& readiness = *collected;
  const auto body = json_list(readiness.runbooks, [&](const RunbookReadiness& book) {
    const auto gates = json_list(book.gates, [&](const ReadinessGateState& gate) {
      const auto checks = json_list(gate.checks, [&](const ReadinessCheckState& check) {
        return fmt::format(
            R"({{"check": {}, "evaluated": {}, "nodes": {}, "status": {}, "message": {}, "blocks": {}, "why": {}, "evidence": {}}})",
            json_string(check.check), json_string(check.evaluated), json_string(check.nodes),
            json_string(check.status), json_string(check.message), boolean(check.blocks),
            json_string(check.why), json_time(check.evidence));
      });
      return fmt::format(
          R"({{"gate": {}, "phase": {}, "description": {}, "before_first_step": {}, "blocks": {}, "checks": {}}})",
          json_string(gate.gate), json_string(gate.phase), json_string(gate.description),
          boolean(gate.before_first_step), boolean(gate.blocks), checks);
    });
    return fmt::format(
        R"({{"runbook": {}, "blocks": {}, "summary": {}, "oldest_evidence": {}, "gates": {}}})",
        json_string(book.runbook), boolean(book.blocks), json_string(book.summary),
        json_time(book.oldest_evidence), gates);
  });
  return fmt::format("{{{}, \"judged\": {}, \"runbooks\": {}}}\n", now_field(),
                     json_time(readiness.judged), body);
}

}  // namespace greenlight::exporter
