// greenlight runbook status [RUN] | log RUN | abort RUN: runs as their
// journals tell, read without disturbing a process that executes them.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_gate_status.h"
#include "greenlight/runbook/run_outline.h"
#include "greenlight/runbook/run_snapshot.h"
#include "greenlight/runbook/run_store.h"
#include "runbook_client.h"
#include "runbook_commands.h"
#include "runbook_wiring.h"

namespace greenlight::app {
namespace {

using runbook::JournalEvent;

std::string when(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

bool waiting_for_boot(const std::vector<runbook::JournalRecord>& records) {
  for (auto r = records.rbegin(); r != records.rend(); ++r) {
    if (r->event == JournalEvent::kSelfPoweroff) return true;
    if (r->event == JournalEvent::kStepStarted || r->event == JournalEvent::kStepFinished ||
        r->event == JournalEvent::kStepFailed)
      return false;
  }
  return false;
}

std::string state_of(const runbook::RunStore& store, const std::string& run,
                     const std::vector<runbook::JournalRecord>& records,
                     const runbook::RunState& state) {
  if (state.finished) return "finished";
  if (state.aborted) return "aborted";
  if (const int pid = runbook::RunLock::holder(store.directory(run)); pid != 0)
    return fmt::format("executing (process {})", pid);
  if (waiting_for_boot(records)) return "powered off (resume once this host is up)";
  if (state.paused) return "paused";
  return "interrupted (resume to continue)";
}

const runbook::Runbook* book_named(const std::vector<runbook::Runbook>& books,
                                   const std::string& name) {
  for (const auto& book : books) {
    if (book.name == name) return &book;
  }
  return nullptr;
}

std::string step_line(const runbook::RunState& state, const std::string& phase) {
  auto steps = state.steps.find(phase);
  if (steps == state.steps.end() || steps->second.empty()) return "";
  const auto& [number, step_state] = *steps->second.rbegin();
  static const char* kWords[] = {"not started", "started", "finished", "failed", "skipped"};
  std::string detail;
  if (auto p = state.step_details.find(phase); p != state.step_details.end()) {
    if (auto d = p->second.find(number); d != p->second.end()) detail = d->second;
  }
  return fmt::format("step {} {}{}", number, kWords[static_cast<int>(step_state)],
                     detail.empty() ? "" : ": " + detail.substr(0, detail.find('\n')));
}

// Steps and gates of a done phase that were skipped, with the journaled reason.
std::string skipped_items(const runbook::RunState& state, const std::string& phase) {
  std::string out;
  if (auto steps = state.steps.find(phase); steps != state.steps.end()) {
    for (const auto& [number, step_state] : steps->second) {
      if (step_state != runbook::StepState::kSkipped) continue;
      std::string reason;
      if (auto p = state.step_details.find(phase); p != state.step_details.end()) {
        if (auto d = p->second.find(number); d != p->second.end()) reason = d->second;
      }
      out += fmt::format("{}step {} skipped{}", out.empty() ? "" : "\n           ", number,
                         reason.empty() ? "" : ": " + reason.substr(0, reason.find('\n')));
    }
  }
  if (auto gates = state.skipped_gates.find(phase); gates != state.skipped_gates.end()) {
    for (const auto& [gate, reason] : gates->second) {
      out += fmt::format("{}gate {} skipped{}", out.empty() ? "" : "\n           ", gate,
                         reason.empty() ? "" : ": " + reason.substr(0, reason.find('\n')));
    }
  }
  return out;
}

// What a run that a process executes is doing now, from its last records:
// the gate it waits on or the question it asks, and since when. Empty when
// no process holds it (interrupted: nothing waits) or it does neither.
std::string waiting_line(const runbook::RunStore& store, const std::string& run,
                         const std::vector<runbook::JournalRecord>& records,
                         const runbook::RunState& state) {
  using runbook::JournalEvent;
  if (records.empty() || state.finished || state.aborted || state.paused) return {};
  const int holder = runbook::RunLock::holder(store.directory(run));
  const auto& last = records.back();
  if (holder == 0) {
    // Interrupted: nothing waits now, and why the gate was red then is not
    // evidence about now.
    if (last.event != JournalEvent::kGateWaiting) return {};
    return fmt::format("  was waiting on gate {} (phase {}) since {} when its process ended; "
                       "why it is red: not known (nothing waits on it now; greenlight runbook "
                       "resume {} waits on it again)",
                       last.step, last.phase, when(last.unix_ms), run);
  }
  if (last.event == JournalEvent::kGateWaiting) {
    std::string out = fmt::format("  waiting on gate {} (phase {}) since {}", last.step, last.phase,
                                  when(last.unix_ms));
    for (const auto& line : runbook::explain_gate_wait(store.directory(run), last, holder,
                                                       std::chrono::system_clock::now()))
      out += "\n    " + line;
    return out;
  }
  if (last.event == JournalEvent::kStepStarted &&
      (last.detail.rfind("confirm: ", 0) == 0 || last.detail.rfind("manual: ", 0) == 0)) {
    return fmt::format("  asking since {} (phase {}, step {}): {}; answer it in the terminal "
                       "executing it, or when greenlight serve does, with greenlight runbook "
                       "attach {}",
                       when(last.unix_ms), last.phase, last.step, last.detail, run);
  }
  return {};
}

struct PhaseLine {
  std::string name;
  std::string title;
};

// The run's phases as it started them: from the outline saved with the run
// (the adopted one after an adoption), whatever became of the runbook's
// file since; titles from the site's runbook when it still has the phase.
// Runs created before outlines existed: the site's runbook, if it loads.
std::vector<PhaseLine> phases_of(const std::filesystem::path& run_directory,
                                 const runbook::RunState& state, const runbook::Runbook* book) {
  std::vector<PhaseLine> phases;
  const auto outline = runbook::read_outline(
      run_directory, state.adopted_outline.empty() ? "outline" : state.adopted_outline);
  if (!outline) {
    if (book == nullptr) {
      std::cout << fmt::format(
          "  phases: not known (the site has no runbook '{}' that loads, "
          "and the run has no outline)\n",
          state.runbook);
      return phases;
    }
    for (const auto& phase : book->phases) phases.push_back({phase.name, phase.title});
    return phases;
  }
  if (book == nullptr) {
    const auto copy = run_directory / "runbook.yaml";
    std::cout << fmt::format(
        "  phases as the run started (the site has no runbook '{}' that "
        "loads now{}):\n",
        state.runbook,
        std::filesystem::exists(copy)
            ? fmt::format("; its file as the run started: {}", copy.string())
            : std::string());
  }
  for (const auto& name : runbook::outline_phases(*outline)) {
    PhaseLine line{name, ""};
    if (book != nullptr) {
      for (const auto& phase : book->phases) {
        if (phase.name == name) line.title = phase.title;
      }
    }
    phases.push_back(std::move(line));
  }
  return phases;
}

void print_run(const runbook::RunStore& store, const std::string& run,
               const std::vector<runbook::Runbook>& books) {
  const auto records = runbook::read_journal(store.journal(run));
  const auto state = runbook::replay(records);
  std::cout << fmt::format("run {}  runbook {}  {}\n  journal {}\n", run, state.runbook,
                           state_of(store, run, records, state), store.journal(run).string());
  if (!records.empty()) {
    std::cout << fmt::format("  started {}, last record {} ({})\n", when(records.front().unix_ms),
                             when(records.back().unix_ms), to_string(records.back().event));
  }
  if (state.paused && !state.finished && !state.aborted)
    std::cout << "  paused: " << state.pause_reason << "\n";
  if (state.aborted) {
    const auto abort = std::find_if(records.rbegin(), records.rend(), [](const auto& record) {
      return record.event == runbook::JournalEvent::kRunAborted;
    });
    if (abort != records.rend()) std::cout << "  aborted: " << abort->detail << "\n";
  }
  if (const auto line = waiting_line(store, run, records, state); !line.empty())
    std::cout << line << "\n";
  for (const auto& [nodes, who] : state.exclusions)
    std::cout << fmt::format("  excluded from every step and gate: {} {}\n", nodes, who);
  for (const auto& remedy : runbook::remedies_of(records)) {
    std::cout << fmt::format("  remedy of gate {} (phase {}): {} attempt{}, the last {}\n",
                             remedy.gate, remedy.phase, remedy.attempts,
                             remedy.attempts == 1 ? "" : "s", remedy.last);
  }
  for (const auto& [name, detail] : state.imported_groups)
    std::cout << fmt::format("  @run:{} = {} (from an earlier run)\n", name, detail);
  bool current_seen = false;
  for (const auto& phase :
       phases_of(store.directory(run), state, book_named(books, state.runbook))) {
    const bool done = std::find(state.finished_phases.begin(), state.finished_phases.end(),
                                phase.name) != state.finished_phases.end();
    const bool skipped = std::find(state.skipped_phases.begin(), state.skipped_phases.end(),
                                   phase.name) != state.skipped_phases.end();
    std::string word = skipped ? "skipped" : done ? "done" : "next";
    std::string extra;
    if (done) extra = skipped_items(state, phase.name);
    if (!done && !current_seen && !state.finished && !state.aborted) {
      word = "current";
      current_seen = true;
      extra = step_line(state, phase.name);
    } else if (!done && state.aborted) {
      word = "not run";
    }
    std::cout << fmt::format("  {:<8} {:<24} {}{}\n", word, phase.name, phase.title,
                             extra.empty() ? "" : "\n           " + extra);
  }
}

}  // namespace

int runbook_status(const config::Site& site, const std::vector<runbook::Runbook>& books,
                   const RunbookArguments& arguments) {
  const runbook::RunStore store(runs_directory(site, arguments.runs));
  if (arguments.words.size() > 1) {
    std::cerr << "usage: greenlight runbook status [RUN] [--runs DIR]\n";
    return 2;
  }
  if (arguments.words.size() == 1) {
    if (!store.exists(arguments.words[0])) {
      std::cerr << fmt::format("greenlight runbook: no run '{}' in {}\n", arguments.words[0],
                               store.root().string());
      return 1;
    }
    print_run(store, arguments.words[0], books);
    return 0;
  }
  const auto runs = store.list();
  if (runs.empty()) {
    std::cout << fmt::format("no runs in {}\n", store.root().string());
    return 0;
  }
  int code = 0;
  for (const auto& run : runs) {
    try {
      const auto records = runbook::read_journal(store.journal(run));
      const auto state = runbook::replay(records);
      std::cout << fmt::format("{:<34} {:<10} {:<44} {}\n", run, state.runbook,
                               state_of(store, run, records, state), state.current_phase);
    } catch (const std::exception& error) {
      // One damaged journal is named with its reason; the others are listed.
      std::cout << fmt::format("{:<34} {:<10} damaged: {}\n", run, "?", error.what());
      code = 1;
    }
  }
  return code;
}

int runbook_log(const config::Site& site, const RunbookArguments& arguments) {
  const runbook::RunStore store(runs_directory(site, arguments.runs));
  if (arguments.words.size() != 1) {
    std::cerr << "usage: greenlight runbook log RUN [--runs DIR]\n";
    return 2;
  }
  if (!store.exists(arguments.words[0])) {
    std::cerr << fmt::format("greenlight runbook: no run '{}' in {}\n", arguments.words[0],
                             store.root().string());
    return 1;
  }
  for (const auto& r : runbook::read_journal(store.journal(arguments.words[0]))) {
    std::string where = r.phase;
    if (!r.step.empty()) where += (where.empty() ? "" : "/") + r.step;
    std::cout << fmt::format("{} {:>4} {:<15} {:<28} {}\n", when(r.unix_ms), r.sequence,
                             to_string(r.event), where, r.detail);
  }
  return 0;
}

int runbook_abort(const config::Site& site, const RunbookArguments& arguments) {
  const runbook::RunStore store(runs_directory(site, arguments.runs));
  if (arguments.words.size() != 1) {
    std::cerr << "usage: greenlight runbook abort RUN [--reason TEXT] [--runs DIR]\n";
    return 2;
  }
  const std::string& run = arguments.words[0];
  // A run directory without a journal is a run created but never started:
  // it still holds the site, so it can be aborted.
  if (!store.exists(run) &&
      (runbook::RunStore::runbook_of(run).empty() || run.find('/') != std::string::npos ||
       !std::filesystem::is_directory(store.directory(run)))) {
    std::cerr << fmt::format("greenlight runbook: no run '{}' in {}\n", run, store.root().string());
    return 1;
  }
  if (arguments.runs.empty()) {
    // A run greenlight serve executes is aborted there; any other here.
    control::Request request;
    request.kind = control::Request::Kind::kAbort;
    request.run = run;
    request.reason = arguments.reason;
    const auto answer = ask_daemon(control_socket(site), request, false, true);
    if (answer.kind == DaemonAnswer::Kind::kDone) return answer.outcome == "aborted" ? 0 : 1;
  }
  std::optional<runbook::RunLock> lock;
  try {
    lock.emplace(runbook::RunLock::acquire(store.directory(run)));
  } catch (const std::exception& error) {
    std::cerr << fmt::format(
        "greenlight runbook: cannot abort run {}: {}; answer 'abort' at its prompt, or stop it "
        "(Ctrl-C) and abort then\n",
        run, error.what());
    return 1;
  }
  const char* user = std::getenv("USER");
  const std::string why =
      arguments.reason.empty()
          ? fmt::format("aborted with greenlight runbook abort by {}", user ? user : "?")
          : arguments.reason;
  // A run created but never started (no journal), or whose journal cannot
  // be read, still holds the site: its abort starts a journal of its own,
  // the damaged one kept beside it.
  std::vector<runbook::JournalRecord> records;
  std::string unreadable;
  try {
    if (std::filesystem::exists(store.journal(run))) records = runbook::read_journal(store.journal(run));
  } catch (const std::exception& error) {
    unreadable = error.what();
  }
  if (records.empty()) {
    const auto journal_path = store.journal(run);
    if (!unreadable.empty()) {
      std::filesystem::rename(journal_path, journal_path.string() + ".damaged");
    } else {
      std::filesystem::remove(journal_path);  // empty
    }
    const std::string detail =
        unreadable.empty()
            ? why + " (the run never started)"
            : fmt::format("{} (its journal could not be read: {}; kept as {}.damaged)", why,
                          unreadable, journal_path.filename().string());
    auto journal = runbook::Journal::create(journal_path);
    journal.append(JournalEvent::kRunStarted, "", "", runbook::RunStore::runbook_of(run));
    journal.append(JournalEvent::kRunAborted, "", "", detail);
    std::cout << fmt::format("run {} aborted: {}\n", run, detail);
    return 0;
  }
  const auto state = runbook::replay(records);
  if (state.finished || state.aborted) {
    std::cout << fmt::format("run {} is already {}\n", run,
                             state.finished ? "finished" : "aborted");
    return state.finished ? 1 : 0;
  }
  auto journal = runbook::Journal::open(store.journal(run));
  journal.append(JournalEvent::kRunAborted, state.current_phase, "", why);
  std::cout << fmt::format("run {} aborted\n", run);
  return 0;
}

}  // namespace greenlight::app
