#include "run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "greenlight/runbook/run_gate_status.h"
#include "greenlight/runbook/run_outline.h"

namespace greenlight::app {
namespace {

using runbook::JournalEvent;

const runbook::Runbook* book_named(const std::vector<runbook::Runbook>& books,
                                   const std::string& name) {
  for (const auto& book : books) {
    if (book.name == name) return &book;
  }
  return nullptr;
}

std::string step_detail(const runbook::RunState& state, const std::string& phase, int number) {
  if (auto p = state.step_details.find(phase); p != state.step_details.end()) {
    if (auto d = p->second.find(number); d != p->second.end()) return d->second;
  }
  return "";
}

std::optional<StepReport> last_step(const runbook::RunState& state, const std::string& phase) {
  auto steps = state.steps.find(phase);
  if (steps == state.steps.end() || steps->second.empty()) return std::nullopt;
  const auto& [number, step_state] = *steps->second.rbegin();
  static const char* kWords[] = {"not started", "started", "finished", "failed", "skipped"};
  return StepReport{number, kWords[static_cast<int>(step_state)],
                    step_detail(state, phase, number)};
}

std::vector<SkippedItem> skipped_items(const runbook::RunState& state, const std::string& phase) {
  std::vector<SkippedItem> items;
  if (auto steps = state.steps.find(phase); steps != state.steps.end()) {
    for (const auto& [number, step_state] : steps->second) {
      if (step_state == runbook::StepState::kSkipped)
        items.push_back({"step", std::to_string(number), step_detail(state, phase, number)});
    }
  }
  if (auto gates = state.skipped_gates.find(phase); gates != state.skipped_gates.end()) {
    for (const auto& [gate, reason] : gates->second) items.push_back({"gate", gate, reason});
  }
  return items;
}

// What a run that a process executes is doing now, from its last records:
// the gate it waits on or the question it asks, and since when. Nothing
// when no process holds it (interrupted: nothing waits) or it does neither.
std::optional<RunWait> waiting_of(const runbook::RunStore& store, const std::string& run,
                                  const std::vector<runbook::JournalRecord>& records,
                                  const runbook::RunState& state) {
  if (records.empty() || state.finished || state.aborted || state.paused) return std::nullopt;
  const int holder = runbook::RunLock::holder(store.directory(run));
  // A notification's outcome comes after the transition it told of.
  const auto told = std::find_if(records.rbegin(), records.rend(), [](const auto& record) {
    return record.event != JournalEvent::kNotified;
  });
  if (told == records.rend()) return std::nullopt;
  const auto& last = *told;
  if (holder == 0) {
    // Interrupted: nothing waits now, and why the gate was red then is not
    // evidence about now.
    if (last.event != JournalEvent::kGateWaiting) return std::nullopt;
    return RunWait{"interrupted_gate", last.phase, last.step, "", "", last.unix_ms, {}};
  }
  if (last.event == JournalEvent::kGateWaiting) {
    return RunWait{"gate",
                   last.phase,
                   last.step,
                   "",
                   "",
                   last.unix_ms,
                   runbook::explain_gate_wait(store.directory(run), last, holder,
                                              std::chrono::system_clock::now())};
  }
  if (runbook::asks_operator(last)) {
    const bool approval = last.event == JournalEvent::kApprovalAsked;
    return RunWait{"question", last.phase, "", last.step,
                   (approval ? "approve the first change: " : "") + last.detail, last.unix_ms, {}};
  }
  return std::nullopt;
}

// The run's phases as it started them: from the outline saved with the run
// (the adopted one after an adoption), whatever became of the runbook's
// file since; titles from the site's runbook when it still has the phase.
// Runs created before outlines existed: the site's runbook, if it loads.
std::vector<PhaseReport> phases_of(const std::filesystem::path& run_directory,
                                   const runbook::RunState& state, const runbook::Runbook* book,
                                   std::string& note) {
  std::vector<PhaseReport> phases;
  const auto outline = runbook::read_outline(
      run_directory, state.adopted_outline.empty() ? "outline" : state.adopted_outline);
  if (!outline) {
    if (book == nullptr) {
      note = fmt::format(
          "phases: not known (the site has no runbook '{}' that loads, and the run has no "
          "outline)",
          state.runbook);
      return phases;
    }
    for (const auto& phase : book->phases) phases.push_back({phase.name, phase.title, "", {}, {}});
    return phases;
  }
  if (book == nullptr) {
    const auto copy = run_directory / "runbook.yaml";
    note = fmt::format("phases as the run started (the site has no runbook '{}' that loads now{})",
                       state.runbook,
                       std::filesystem::exists(copy)
                           ? fmt::format("; its file as the run started: {}", copy.string())
                           : std::string());
  }
  for (const auto& name : runbook::outline_phases(*outline)) {
    PhaseReport phase{name, "", "", {}, {}};
    if (book != nullptr) {
      for (const auto& written : book->phases) {
        if (written.name == name) phase.title = written.title;
      }
    }
    phases.push_back(std::move(phase));
  }
  return phases;
}

}  // namespace

runbook::RunStanding condition_of(const runbook::RunStore& store, const std::string& run,
                                  const std::vector<runbook::JournalRecord>& records,
                                  const runbook::RunState& state) {
  return runbook::standing_of(records, state, runbook::RunLock::holder(store.directory(run)));
}

RunReport report_run(const runbook::RunStore& store, const std::string& run,
                     const std::vector<runbook::Runbook>& books) {
  const auto records = store.records(run);
  const auto state = runbook::replay(records);
  RunReport report;
  report.run = run;
  report.runbook = state.runbook;
  report.journal = store.journal(run).string();
  report.condition = condition_of(store, run, records, state);
  if (!records.empty()) {
    report.started_ms = records.front().unix_ms;
    report.last_ms = records.back().unix_ms;
    report.last_event = to_string(records.back().event);
  }
  if (state.paused && !state.finished && !state.aborted) report.pause_reason = state.pause_reason;
  if (state.aborted) report.abort_reason = state.abort_reason;
  report.waiting = waiting_of(store, run, records, state);
  report.exclusions = state.exclusions;
  report.remedies = runbook::remedies_of(
      records, report.condition.condition == runbook::RunCondition::kExecuting);
  for (const auto& record : records) {
    if (record.detail.find("(answered by ") != std::string::npos)
      report.answers.push_back({record.unix_ms, record.phase, record.step, record.detail});
  }
  report.imported_groups.assign(state.imported_groups.begin(), state.imported_groups.end());
  report.phases =
      phases_of(store.directory(run), state, book_named(books, state.runbook), report.phases_note);
  bool current_seen = false;
  for (auto& phase : report.phases) {
    const bool done = std::find(state.finished_phases.begin(), state.finished_phases.end(),
                                phase.name) != state.finished_phases.end();
    const bool skipped = std::find(state.skipped_phases.begin(), state.skipped_phases.end(),
                                   phase.name) != state.skipped_phases.end();
    phase.state = skipped ? "skipped" : done ? "done" : "next";
    if (done) phase.skipped = skipped_items(state, phase.name);
    if (!done && !current_seen && !state.finished && !state.aborted) {
      phase.state = "current";
      current_seen = true;
      phase.step = last_step(state, phase.name);
    } else if (!done && state.aborted) {
      // The phase the abort stopped says so, with its last step; the
      // phases after it never ran.
      const bool stopped = !current_seen && phase.name == state.current_phase;
      phase.state = stopped ? "aborted" : "not run";
      if (stopped) {
        current_seen = true;
        phase.step = last_step(state, phase.name);
      }
    }
  }
  return report;
}

}  // namespace greenlight::app
