// greenlight runbook status [RUN] | log RUN | abort RUN: runs as their
// journals tell, read without disturbing a process that executes them.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "greenlight/core/one_line.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/reason.h"
#include "greenlight/runbook/run_host.h"
#include "greenlight/runbook/run_store.h"
#include "output.h"
#include "run_report.h"
#include "runbook_client.h"
#include "runbook_commands.h"
#include "runbook_json.h"
#include "runbook_terminal.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {
namespace {

using runbook::JournalEvent;

// The first line of a journaled detail, after ": ", or nothing.
std::string first_line(const std::string& detail) {
  return detail.empty() ? "" : ": " + one_line(detail.substr(0, detail.find('\n')));
}

std::string waiting_line(const RunReport& report) {
  const RunWait& w = *report.waiting;
  if (w.kind == "interrupted_gate") {
    return fmt::format("  was waiting on gate {} (phase {}) since {} when its process ended; "
                       "why it is red: not known (nothing waits on it now; greenlight runbook "
                       "resume {} waits on it again)",
                       w.gate, w.phase, utc_time(w.since_ms), report.run);
  }
  if (w.kind == "gate") {
    std::string out = fmt::format("  waiting on gate {} (phase {}) since {}", w.gate, w.phase,
                                  utc_time(w.since_ms));
    for (const auto& line : w.why) out += "\n    " + line;
    return out;
  }
  return fmt::format("  asking since {} (phase {}, step {}): {}; answer it in the terminal "
                     "executing it, or when greenlight serve does, with greenlight runbook "
                     "attach {}",
                     utc_time(w.since_ms), w.phase, w.step, one_line(w.detail), report.run);
}

void print_run(const RunReport& report) {
  std::cout << fmt::format("run {}  runbook {}  {}\n  journal {}\n", report.run, report.runbook,
                           runbook::describe(report.condition), report.journal);
  if (report.started_ms) {
    std::cout << fmt::format("  started {}, last record {} ({})\n", utc_time(*report.started_ms),
                             utc_time(*report.last_ms), report.last_event);
  }
  if (report.pause_reason) std::cout << "  paused: " << one_line(*report.pause_reason) << "\n";
  if (report.abort_reason) std::cout << "  aborted: " << one_line(*report.abort_reason) << "\n";
  if (report.waiting) std::cout << waiting_line(report) << "\n";
  for (const auto& [nodes, who] : report.exclusions)
    std::cout << fmt::format("  excluded from every step and gate: {} {}\n", nodes, who);
  for (const auto& remedy : report.remedies) {
    std::cout << fmt::format("  remedy of gate {} (phase {}): {} attempt{}, the last {}\n",
                             remedy.gate, remedy.phase, remedy.attempts,
                             remedy.attempts == 1 ? "" : "s", remedy.last);
  }
  for (const auto& answer : report.answers) {
    // A record of a step names it by number, one of a gate by the gate's name.
    const bool numbered = !answer.step.empty() &&
                          answer.step.find_first_not_of("0123456789") == std::string::npos;
    std::cout << fmt::format("  answered {} (phase {}{}): {}\n", utc_time(answer.unix_ms),
                             answer.phase,
                             answer.step.empty() ? ""
                             : numbered          ? ", step " + answer.step
                                                 : ", gate " + answer.step,
                             one_line(answer.detail));
  }
  for (const auto& [name, detail] : report.imported_groups)
    std::cout << fmt::format("  @run:{} = {} (from an earlier run)\n", name, detail);
  if (!report.phases_note.empty())
    std::cout << "  " << report.phases_note << (report.phases.empty() ? "" : ":") << "\n";
  for (const auto& phase : report.phases) {
    std::string extra;
    if (phase.step) {
      extra = fmt::format("step {} {}{}", phase.step->number, phase.step->state,
                          first_line(phase.step->detail));
    }
    for (const auto& item : phase.skipped) {
      extra += fmt::format("{}{} {} skipped{}", extra.empty() ? "" : "\n           ", item.kind,
                           item.name, first_line(item.reason));
    }
    std::cout << fmt::format("  {:<8} {:<24} {}{}\n", phase.state, phase.name, phase.title,
                             extra.empty() ? "" : "\n           " + extra);
  }
}

/// A run whose journal cannot be read: said on stderr, exit status 1 (as
/// the listing's for the same run).
int damaged_run(const std::string& run, const runbook::JournalError& error) {
  std::cerr << fmt::format("greenlight runbook: run {} is damaged: {}\n", run, error.what());
  return 1;
}

}  // namespace

int runbook_status(const config::Site& site, const std::vector<runbook::Runbook>& books,
                   const RunbookArguments& arguments) {
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  const bool json = arguments.output == OutputFormat::kJson;
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
    RunReport report;
    try {
      report = report_run(store, arguments.words[0], books);
    } catch (const runbook::JournalError& error) {
      return damaged_run(arguments.words[0], error);
    }
    if (json) {
      print_json_document("runbook-run", run_json(report));
    } else {
      print_run(report);
    }
    return 0;
  }
  if (std::error_code ec; !std::filesystem::exists(store.root(), ec)) {
    // No run yet (a new install): an empty list, naming where runs would
    // be, since they may be elsewhere. A file in its place is an error.
    if (json) {
      print_json_document("runbook-runs", runs_json(store.root().string(), {}));
    } else {
      std::cout << fmt::format(
          "no runs in {} (it does not exist yet: nothing ran with this site, or its runs are "
          "elsewhere: --runs DIR, GREENLIGHT_RUNS_DIR, the site's runbooks: runs:)\n",
          store.root().string());
    }
    return 0;
  }
  if (std::error_code ec; !std::filesystem::is_directory(store.root(), ec)) {
    std::cerr << fmt::format("greenlight runbook: the runs directory {} is not a directory\n",
                             store.root().string());
    return 1;
  }
  const auto runs = store.list();
  if (runs.empty() && !json) {
    std::cout << fmt::format("no runs in {}\n", store.root().string());
    return 0;
  }
  int code = 0;
  std::vector<RunListing> listing;
  for (const auto& run : runs) {
    RunListing entry{run, "", {}, "", ""};
    try {
      const auto records = store.records(run);
      const auto state = runbook::replay(records);
      entry.runbook = state.runbook;
      entry.condition = condition_of(store, run, records, state);
      entry.current_phase = state.current_phase;
    } catch (const std::exception& error) {
      // One damaged journal is named with its reason; the others are listed.
      entry.damaged = error.what();
      code = 1;
    }
    listing.push_back(std::move(entry));
  }
  if (json) {
    print_json_document("runbook-runs", runs_json(store.root().string(), listing));
    return code;
  }
  for (const auto& entry : listing) {
    if (!entry.damaged.empty()) {
      std::cout << fmt::format("{:<34} {:<10} damaged: {}\n", entry.run, "?", entry.damaged);
    } else {
      std::cout << fmt::format("{:<34} {:<10} {:<44} {}\n", entry.run, entry.runbook,
                               runbook::describe(entry.condition), entry.current_phase);
    }
  }
  return code;
}

namespace {

// One line a record: time, sequence, event, phase/step, detail.
void print_log(const std::vector<runbook::JournalRecord>& records) {
  for (const auto& r : records) {
    std::string where = r.phase;
    if (!r.step.empty()) where += (where.empty() ? "" : "/") + r.step;
    std::cout << fmt::format("{} {:>4} {:<15} {:<28} {}\n", utc_time(r.unix_ms), r.sequence,
                             to_string(r.event), where, one_line(r.detail));
  }
}

}  // namespace

int runbook_log(const config::Site& site, const RunbookArguments& arguments) {
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  if (arguments.words.size() != 1) {
    std::cerr << "usage: greenlight runbook log RUN [--runs DIR]\n";
    return 2;
  }
  if (!store.exists(arguments.words[0])) {
    std::cerr << fmt::format("greenlight runbook: no run '{}' in {}\n", arguments.words[0],
                             store.root().string());
    return 1;
  }
  std::vector<runbook::JournalRecord> records;
  try {
    records = store.records(arguments.words[0]);
  } catch (const runbook::JournalError& error) {
    // The records before the damage are still the run's history: shown
    // (text only), then the damage, exit 1.
    if (arguments.output != OutputFormat::kJson) print_log(error.readable());
    return damaged_run(arguments.words[0], error);
  }
  if (arguments.output == OutputFormat::kJson) {
    print_json_document("runbook-log", log_json(arguments.words[0], records));
    return 0;
  }
  print_log(records);
  return 0;
}

int runbook_abort(const config::Site& site, const RunbookArguments& arguments) {
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  if (arguments.words.size() != 1) {
    std::cerr << "usage: greenlight runbook abort RUN [--reason TEXT] [--runs DIR]\n";
    return 2;
  }
  const std::string& run = arguments.words[0];
  if (const auto why = runbook::reason_problem(arguments.reason)) {
    std::cerr << fmt::format("greenlight runbook abort: --reason: {}\n", *why);
    return 2;
  }
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
    const auto answer = ask_daemon(runbook::control_socket(site), request, false, true);
    if (answer.kind == DaemonAnswer::Kind::kDone)
      return answer.outcome == runbook::to_string(runbook::RunOutcome::kAborted) ? 0 : 1;
  }
  // The notify command of the abort ends (within its timeout) and is
  // journaled before this command returns, as in the run's own process.
  asio::io_context io;
  const auto cannot_abort = [&run](const std::string& why) {
    std::cerr << fmt::format(
        "greenlight runbook: cannot abort run {}: {}; answer 'abort' at its prompt, or stop it "
        "(Ctrl-C) and abort then\n",
        run, why);
    return 1;
  };
  std::optional<runbook::RunHost> host;
  try {
    host.emplace(io, store, run);
  } catch (const runbook::RunRefused& refused) {
    return cannot_abort(refused.lock_error());
  } catch (const std::exception& error) {
    return cannot_abort(error.what());
  }
  const std::string why = arguments.reason.empty()
                              ? std::string("aborted with greenlight runbook abort")
                              : arguments.reason;
  // Journaled by the run's holder (runbook::RunHost) with who asked (uid,
  // pid, terminal: never a name from the environment): a run created but
  // never started, or whose journal cannot be read, gets a journal of its
  // own; what an interrupted step still runs ends with it.
  const auto abort = host->abort(why, terminal_user(), &site);
  switch (abort.result) {
    case runbook::RunAbort::Result::kAlreadyFinished:
      std::cout << fmt::format("run {} is already finished\n", run);
      return 1;
    case runbook::RunAbort::Result::kAlreadyAborted:
      std::cout << fmt::format("run {} is already aborted\n", run);
      return 0;
    case runbook::RunAbort::Result::kAborted:
      break;
  }
  for (const auto& line : abort.lines) std::cout << line << "\n";
  if (abort.new_journal) {
    std::cout << fmt::format("run {} aborted: {}\n", run, abort.detail);
    return 0;
  }
  std::cout << fmt::format("run {} aborted\n", run);
  io.run();
  return 0;
}

}  // namespace greenlight::app
