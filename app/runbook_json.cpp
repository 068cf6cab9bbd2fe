#include "runbook_json.h"

#include <algorithm>

namespace greenlight::app {
namespace {

double seconds(std::chrono::milliseconds duration) { return milliseconds_in_seconds(duration); }

// Words of the text output as JSON enumerations: "not run" -> "not_run",
// "powered-off" -> "powered_off".
std::string enum_word(std::string word) {
  std::replace(word.begin(), word.end(), ' ', '_');
  std::replace(word.begin(), word.end(), '-', '_');
  return word;
}

JsonDocument optional_text(const std::string& text) {
  return text.empty() ? JsonDocument() : JsonDocument(text);
}

JsonDocument step_json(const runbook::PlannedStep& planned) {
  using runbook::StepKind;
  const runbook::Step& step = planned.step;
  const runbook::PlannedJobs& jobs = planned.jobs;
  JsonDocument out = {{"number", planned.number}, {"kind", to_string(step.kind)}, {"id", step.id}};
  if (step.kind == StepKind::kConfirm || step.kind == StepKind::kManual) {
    out["text"] = step.text;
    return out;
  }
  out["resolved"] = jobs.resolved;
  if (step.kind != StepKind::kSelfPoweroff) {
    out["nodes_as_written"] = step.nodes + (step.exclude.empty() ? "" : " -x " + step.exclude);
    out["nodes"] = jobs.nodes ? JsonDocument(jobs.nodes->fold()) : JsonDocument();
    out["node_count"] = jobs.nodes ? JsonDocument(jobs.nodes->size()) : JsonDocument();
  }
  if (step.kind == StepKind::kSaveGroup) {
    out["group"] = step.group;
    out["saves"] = planned.saves;
    out["fallback"] = step.fallback;
    out["missing_group"] = optional_text(planned.missing_group);
    return out;
  }
  out["command"] = jobs.command;
  if (step.kind == StepKind::kSelfPoweroff) return out;
  out["commands"] = jobs.jobs;
  out["skipped"] = jobs.nothing_to_do ? JsonDocument(jobs.skip_reason) : JsonDocument();
  out["refused"] = optional_text(jobs.refused);
  out["timeout_seconds"] = seconds(step.timeout);
  out["fanout"] = step.fanout;
  if (step.kind == StepKind::kPower) {
    out["power_action"] = step.power_action;
    return out;
  }
  out["exit_codes"] = step.allowed_exit_codes;
  out["max_failed_nodes"] = step.max_failed_nodes;
  out["retries"] = step.retries;
  out["retry_delay_seconds"] = seconds(step.retry_delay);
  out["idempotent"] = step.idempotent;
  return out;
}

JsonDocument gate_json(const runbook::PlannedGate& planned) {
  const runbook::Gate& gate = planned.gate;
  JsonDocument checks = JsonDocument::array();
  for (const auto& check : gate.checks) {
    JsonDocument parameters = JsonDocument::object();
    for (const auto& [key, value] : check.overrides.entries)
      parameters[key.scalar] = value.is_scalar() ? value.scalar : value.describe();
    checks.push_back(
        {{"check", check.check},
         {"expect", check.expect},
         {"parameters", parameters},
         {"stable_for_seconds",
          check.stable_for ? JsonDocument(seconds(*check.stable_for)) : JsonDocument()}});
  }
  JsonDocument remedy;
  if (gate.remedy) {
    JsonDocument steps = JsonDocument::array();
    for (const auto& step : planned.remedy_steps) steps.push_back(step_json(step));
    remedy = {{"after_seconds", seconds(gate.remedy->after)},
              {"attempts", gate.remedy->attempts},
              {"states", gate.remedy->states},
              {"steps", steps}};
  }
  return {{"name", gate.name},
          {"description", gate.description},
          {"checks", checks},
          {"stable_for_seconds", seconds(gate.stable_for)},
          {"timeout_seconds", seconds(gate.timeout)},
          {"on_timeout", gate.on_timeout},
          {"exclusion_at_run_time", planned.exclusion_at_run_time},
          {"remedy", remedy}};
}

template <typename T, typename F>
JsonDocument array_of(const std::vector<T>& items, F item) {
  JsonDocument out = JsonDocument::array();
  for (const auto& each : items) out.push_back(item(each));
  return out;
}

}  // namespace

JsonDocument list_json(const std::vector<runbook::Runbook>& books) {
  return {
      {"runbooks", array_of(books, [](const runbook::Runbook& book) {
         return JsonDocument{
             {"name", book.name},
             {"description", book.description},
             {"file", book.file.string()},
             {"phases",
              array_of(book.phases,
                       [](const runbook::Phase& phase) {
                         return JsonDocument{{"name", phase.name}, {"title", phase.title}};
                       })},
             {"gates", array_of(book.gates, [](const runbook::Gate& gate) { return gate.name; })},
             {"destructive", book.destructive()},
             {"concurrent_runs", book.concurrent_runs}};
       })}};
}

JsonDocument plan_json(const runbook::Plan& plan) {
  const runbook::Runbook& book = *plan.book;
  JsonDocument excluded;
  if (plan.excluded)
    excluded = {{"nodes", plan.excluded->fold()}, {"count", plan.excluded->size()}};
  JsonDocument run_groups = JsonDocument::object();
  for (const auto& [name, nodes] : plan.run_groups) run_groups[name] = nodes;
  return {{"runbook", book.name},
          {"file", book.file.string()},
          {"description", book.description},
          {"self", plan.self},
          {"from_run", optional_text(plan.from_run)},
          {"run_groups", run_groups},
          {"excluded", excluded},
          {"phases", array_of(plan.phases, [](const runbook::PlannedPhase& phase) {
             return JsonDocument{{"number", phase.number},
                                 {"name", phase.phase->name},
                                 {"title", phase.phase->title},
                                 {"require", array_of(phase.require, gate_json)},
                                 {"steps", array_of(phase.steps, step_json)},
                                 {"wait_for", array_of(phase.wait_for, gate_json)}};
           })}};
}

JsonDocument check_json(const runbook::ReadinessReport& report) {
  return {
      {"runbook", report.book->name},
      {"blocks", report.blocks()},
      {"summary", report.summary()},
      {"gates", array_of(report.gates, [](const runbook::ReadinessGate& gate) {
         return JsonDocument{
             {"gate", gate.use.gate->name},
             {"phase", gate.use.phase},
             {"description", gate.use.gate->description},
             {"before_first_step", gate.use.before_first_step},
             {"blocks", gate.blocks()},
             {"checks", array_of(gate.checks, [](const runbook::ReadinessCheck& check) {
                const checks::CheckResult& result = check.result;
                // A check that never ran (it could not be built, or did not
                // finish) has no duration.
                const bool ran = result.started != std::chrono::system_clock::time_point{} &&
                                 result.finished >= result.started;
                return JsonDocument{
                    {"check", check.check},
                    {"evaluated", check.evaluated},
                    {"nodes", optional_text(check.nodes)},
                    {"status", checks::to_string(result.status)},
                    {"message", result.message},
                    {"blocks", check.blocks},
                    {"why", check.blocks ? optional_text(check.why) : JsonDocument()},
                    {"duration_seconds",
                     ran ? JsonDocument(seconds(std::chrono::duration_cast<std::chrono::milliseconds>(
                               result.finished - result.started)))
                         : JsonDocument()}};
              })}};
       })}};
}

JsonDocument runs_json(const std::string& runs, const std::vector<RunListing>& listing) {
  return {{"runs_directory", runs},
          {"runs", array_of(listing, [](const RunListing& entry) {
             const bool damaged = !entry.damaged.empty();
             return JsonDocument{
                 {"run", entry.run},
                 {"runbook", entry.runbook},
                 {"state", damaged ? "damaged" : enum_word(to_string(entry.condition.condition))},
                 {"process",
                  entry.condition.process ? JsonDocument(entry.condition.process) : JsonDocument()},
                 {"current_phase", entry.current_phase},
                 {"damaged", optional_text(entry.damaged)}};
           })}};
}

JsonDocument run_json(const RunReport& report) {
  JsonDocument waiting;
  if (report.waiting) {
    const RunWait& w = *report.waiting;
    waiting = {{"kind", w.kind}, {"phase", w.phase},   {"gate", w.gate},
               {"step", w.step}, {"detail", w.detail}, {"since", utc_time(w.since_ms)},
               {"why", w.why}};
  }
  JsonDocument imported = JsonDocument::object();
  for (const auto& [name, nodes] : report.imported_groups) imported[name] = nodes;
  const auto time_or_null = [](const std::optional<std::int64_t>& ms) {
    return ms ? JsonDocument(utc_time(*ms)) : JsonDocument();
  };
  const auto text_or_null = [](const std::optional<std::string>& text) {
    return text ? JsonDocument(*text) : JsonDocument();
  };
  return {{"run", report.run},
          {"runbook", report.runbook},
          {"journal", report.journal},
          {"state", enum_word(to_string(report.condition.condition))},
          {"process",
           report.condition.process ? JsonDocument(report.condition.process) : JsonDocument()},
          {"started", time_or_null(report.started_ms)},
          {"last_record", time_or_null(report.last_ms)},
          {"last_event", report.last_event},
          {"paused", text_or_null(report.pause_reason)},
          {"aborted", text_or_null(report.abort_reason)},
          {"waiting", waiting},
          {"exclusions", array_of(report.exclusions,
                                  [](const auto& exclusion) {
                                    // The journal says "by uid 0 (root) pid 42 ...".
                                    const std::string& who = exclusion.second;
                                    return JsonDocument{
                                        {"nodes", exclusion.first},
                                        {"by", who.rfind("by ", 0) == 0 ? who.substr(3) : who}};
                                  })},
          {"remedies", array_of(report.remedies,
                                [](const runbook::RunSnapshot::RemedyView& remedy) {
                                  return JsonDocument{{"phase", remedy.phase},
                                                      {"gate", remedy.gate},
                                                      {"attempts", remedy.attempts},
                                                      {"running", remedy.running},
                                                      {"last", remedy.last}};
                                })},
          {"answers", array_of(report.answers,
                               [](const AnswerReport& answer) {
                                 return JsonDocument{{"time", utc_time(answer.unix_ms)},
                                                     {"phase", answer.phase},
                                                     {"step", answer.step},
                                                     {"detail", answer.detail}};
                               })},
          {"imported_groups", imported},
          {"phases_note", report.phases_note},
          {"phases", array_of(report.phases, [](const PhaseReport& phase) {
             JsonDocument step;
             if (phase.step) {
               step = {{"number", phase.step->number},
                       {"state", enum_word(phase.step->state)},
                       {"detail", phase.step->detail}};
             }
             return JsonDocument{{"name", phase.name},
                                 {"title", phase.title},
                                 {"state", enum_word(phase.state)},
                                 {"step", step},
                                 {"skipped", array_of(phase.skipped, [](const SkippedItem& item) {
                                    return JsonDocument{{"kind", item.kind},
                                                        {"name", item.name},
                                                        {"reason", item.reason}};
                                  })}};
           })}};
}

JsonDocument log_json(const std::string& run, const std::vector<runbook::JournalRecord>& records) {
  return {{"run", run}, {"records", array_of(records, [](const runbook::JournalRecord& r) {
                           return JsonDocument{
                               {"sequence", r.sequence}, {"time", utc_time(r.unix_ms)},
                               {"unix_ms", r.unix_ms},   {"event", to_string(r.event)},
                               {"phase", r.phase},       {"step", r.step},
                               {"detail", r.detail}};
                         })}};
}

}  // namespace greenlight::app
