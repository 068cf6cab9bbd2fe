// greenlight runbook exec NAME | resume RUN | attach RUN: through greenlight
// serve when it answers on its control socket; otherwise (and always for a
// dry run) the executor in this process, with the check scheduler feeding
// its gates and the terminal as operator.
#include <fmt/format.h>
#include <stdlib.h>

#include <csignal>
#include <iostream>
#include <optional>

#include "greenlight/checks/scheduler.h"
#include "greenlight/core/process.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_host.h"
#include "greenlight/runbook/run_store.h"
#include "runbook_client.h"
#include "runbook_commands.h"
#include "runbook_terminal.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {
namespace {

int execute(const config::Site& site, const runbook::Runbook& book,
            const RunbookArguments& arguments, const runbook::RunStore& store,
            const std::string& run, bool resuming, const std::string& why_here) {
  asio::io_context io;
  SiteRunner placed(io, ssh_options(site.ssh));
  DryRunRunner dry(io);
  CommandRunner& runner = arguments.dry_run ? static_cast<CommandRunner&>(dry) : placed;
  // The dynamic groups (@vm:running) read the results the scheduler stores.
  const auto stored = std::make_shared<checks::ResultStore>();
  auto groups = runbook::runbook_groups(site, stored);
  checks::Scheduler scheduler(io, nullptr, stored);
  runbook::SchedulerResults results(scheduler, site, *groups, [&](const std::string& host) {
    return std::make_pair(site_endpoint(&site, host), static_cast<CommandRunner*>(&placed));
  });
  TerminalOperator person(io, std::cout);

  // Another process executes the run: refused (exit 1), saying who and how
  // to follow or stop it.
  std::optional<runbook::RunHost> host;
  try {
    host.emplace(io, store, run);
  } catch (const std::exception& error) {  // RunRefused: with who holds it and what to do
    std::cerr << fmt::format("greenlight runbook: cannot {} run {}: {}\n",
                             resuming ? "resume" : "execute", run, error.what());
    return kRunFailed;
  }
  if (resuming) {
    host->open_resumed();
  } else {
    host->open_new();
  }
  runbook::ExecutorOptions options;
  options.assume_yes = arguments.yes;
  options.dry_run = arguments.dry_run;
  options.from_phase = arguments.from;
  options.exclude = arguments.exclude;
  options.excluded_by = person.answered_by();
  options.approved_by = person.answered_by();
  options.refresh_groups = [&site, groups, stored] {
    runbook::refresh_dynamic_groups(site, *groups, stored);
  };
  if (!arguments.from_run.empty() && !resuming) {
    // The earlier run is in the runs directory, also for a dry run (whose
    // own run lives in a temporary one).
    options.import_groups = runbook::saved_groups_of(
        runbook::RunStore(runbook::runs_directory(site, arguments.runs)), arguments.from_run);
    options.import_from = arguments.from_run;
  }

  std::cout << fmt::format(
      "greenlight runbook: {}: run {} of {} executes in this process{}\n"
      "  journal: {}\n",
      why_here, run, book.name, arguments.dry_run ? " as a dry run (nothing is changed)" : "",
      store.journal(run).string());
  std::optional<runbook::RunOutcome> outcome;
  // SIGHUP (the terminal or the SSH session lost) stops in order too: the
  // step's command ends and is journaled, the run stays resumable.
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    // With the terminal gone, what is printed next may go to a closed pipe:
    // that must not end the stop half way.
    if (signal == SIGHUP) std::signal(SIGPIPE, SIG_IGN);
    std::cout << fmt::format(
                     "\ngreenlight runbook: signal {}: stopping; run {} stays as journaled "
                     "(greenlight runbook resume {})",
                     signal, run, run)
              << std::endl;
    // The step's command and the checks' end with this process: a local
    // command never outlives an orderly stop unobserved (the step's are
    // journaled as ended; resume asks about the interrupted step).
    // Each group counted once: the step's by the executor, the rest (the
    // checks' commands) by end_running_processes.
    const std::size_t ended =
        host->stop(fmt::format("greenlight runbook stopped by signal {}", signal)) +
        end_running_processes(std::chrono::seconds(2));
    if (ended > 0)
      std::cout << fmt::format("greenlight runbook: ended {} running command{}", ended,
                               ended == 1 ? "" : "s")
                << std::endl;
    scheduler.stop();
    io.stop();
  });
  const runbook::Executor::Context context{
      io, book, site, *groups, runner,
      [&site](const std::string& node) { return runbook::endpoint_of(site, node); }, results,
      person};
  host->start(context, std::move(options), [&](runbook::RunOutcome o) {
    outcome = o;
    scheduler.stop();
    signals.cancel();
    // The end's notification finishes (within its timeout) and is
    // journaled before the run's journal closes.
    if (host->notifying() > 0)
      std::cout << fmt::format("greenlight runbook: waiting up to {}s for the notify command\n",
                               std::chrono::duration_cast<std::chrono::seconds>(
                                   site.notify.timeout + std::chrono::seconds(1))
                                   .count());
    host->when_idle([&io] { io.stop(); });
  });
  scheduler.start();
  io.run();
  if (!outcome) return kRunPaused;
  return print_outcome(std::cout, run, *outcome);
}

// Hands the request to serve when it listens on the site's control socket
// (and --runs was not given): serve's exit code, or nothing when the run is
// to execute in this process, `why_here` then saying why.
std::optional<int> hand_to_daemon(const config::Site& site, const RunbookArguments& arguments,
                                  const control::Request& request, std::string& why_here) {
  why_here = "--runs given";
  if (!arguments.runs.empty()) return std::nullopt;
  const auto answer = ask_daemon(runbook::control_socket(site), request, arguments.detach);
  if (answer.kind != DaemonAnswer::Kind::kNobody) return answer.exit_code;
  why_here = fmt::format("no daemon at {}", runbook::control_socket(site).string());
  return std::nullopt;
}

}  // namespace

int runbook_exec(const config::Site& site, const std::vector<runbook::Runbook>& books,
                 const RunbookArguments& arguments) {
  if (arguments.words.size() != 1) {
    std::cerr
        << "usage: greenlight runbook exec NAME [--yes] [--from PHASE] [--exclude NODES] "
           "[--from-run RUN] [--detach] [--dry-run] [--runs DIR]\n";
    return kRunUsage;
  }
  const auto check = runbook::check_exec(books, arguments.words[0], arguments.from);
  if (check.book == nullptr) {
    std::cerr << "greenlight runbook: " << check.refusal << "\n";
    return check.usage ? kRunUsage : kRunFailed;
  }
  const runbook::Runbook* book = check.book;
  try {
    // Refused before the run exists: a wrong --from-run or --exclude leaves nothing behind.
    runbook::check_exclusion(site, *runbook::runbook_groups(site, nullptr), arguments.exclude, {book, 1});
    if (!arguments.from_run.empty())
      runbook::saved_groups_of(runbook::RunStore(runbook::runs_directory(site, arguments.runs)),
                               arguments.from_run);
  } catch (const std::exception& error) {
    std::cerr << "greenlight runbook: " << error.what() << "\n";
    return kRunFailed;
  }
  if (arguments.dry_run) {
    char pattern[] = "/tmp/greenlight-dry-run-XXXXXX";
    const char* directory = ::mkdtemp(pattern);
    if (directory == nullptr) throw std::runtime_error("cannot make a temporary directory");
    const runbook::RunStore store(directory);
    int code = kRunFailed;
    try {
      const std::string id = store.create(book->name);
      runbook::mark_dry_run(store, id);
      code = execute(site, *book, arguments, store, id, false, "--dry-run");
    } catch (...) {
      std::filesystem::remove_all(directory);
      throw;
    }
    std::filesystem::remove_all(directory);
    return code;
  }
  control::Request request;
  request.kind = control::Request::Kind::kExec;
  request.runbook = book->name;
  request.yes = arguments.yes;
  request.from = arguments.from;
  request.exclude = arguments.exclude;
  request.from_run = arguments.from_run;
  std::string why_here;
  if (const auto code = hand_to_daemon(site, arguments, request, why_here)) return *code;
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  const runbook::NewRun created = runbook::create_run(store, *book);
  if (created.id.empty()) {
    std::cerr << "greenlight runbook: " << created.refusal << "\n";
    return kRunFailed;
  }
  return execute(site, *book, arguments, store, created.id, false, why_here);
}

int runbook_resume(const config::Site& site, const std::vector<runbook::Runbook>& books,
                   const RunbookArguments& arguments) {
  if (arguments.words.size() != 1 || arguments.dry_run || !arguments.from.empty()) {
    std::cerr << "usage: greenlight runbook resume RUN [--adopt] [--yes] [--exclude NODES] "
                 "[--detach] [--runs DIR]\n";
    return kRunUsage;
  }
  const std::string& run = arguments.words[0];
  if (arguments.adopt) {
    if (const auto code = runbook_adopt(site, books, arguments)) return *code;
  }
  control::Request request;
  request.kind = control::Request::Kind::kResume;
  request.run = run;
  request.yes = arguments.yes;
  request.exclude = arguments.exclude;
  std::string why_here;
  if (const auto code = hand_to_daemon(site, arguments, request, why_here)) return *code;
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  using Verdict = runbook::ResumeCheck::Verdict;
  const auto check = runbook::check_resume(store, books, run);
  switch (check.verdict) {
    case Verdict::kResumable:
      return execute(site, *check.book, arguments, store, run, true, why_here);
    case Verdict::kFinished:
    case Verdict::kAborted:
      std::cout << check.refusal << "\n";
      return check.verdict == Verdict::kFinished ? kRunFinished : kRunFailed;
    case Verdict::kNoSuchRun:
    case Verdict::kRunbookGone:
    case Verdict::kRunbookChanged:
    case Verdict::kOutlineAltered:
    case Verdict::kDryRun:
      break;
  }
  std::cerr << "greenlight runbook: " << check.refusal << "\n";
  return kRunFailed;
}

int runbook_attach(const config::Site& site, const RunbookArguments& arguments) {
  if (arguments.words.size() != 1 || arguments.dry_run || arguments.yes || arguments.detach ||
      !arguments.from.empty()) {
    std::cerr << "usage: greenlight runbook attach [--watch] RUN\n";
    return kRunUsage;
  }
  control::Request request;
  request.kind = control::Request::Kind::kAttach;
  request.run = arguments.words[0];
  const auto answer = ask_daemon(runbook::control_socket(site), request, false, false, arguments.watch);
  switch (answer.kind) {
    case DaemonAnswer::Kind::kNobody: {
      // A run a process of its own executes is followed from its terminal.
      const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
      const int holder = store.exists(request.run) ? runbook::RunLock::holder(store.directory(request.run)) : 0;
      std::cerr << fmt::format(
          "greenlight runbook: no daemon at {}: nothing to attach to ({})\n",
          runbook::control_socket(site).string(),
          holder != 0 ? runbook::holder_advice(request.run, runbook::lock_holder(holder))
                      : fmt::format("greenlight runbook status {}; greenlight runbook resume {}",
                                    request.run, request.run));
      return kRunFailed;
    }
    case DaemonAnswer::Kind::kNotHeld:  // the daemon said why
    case DaemonAnswer::Kind::kDone:
      break;
  }
  return answer.exit_code;
}

}  // namespace greenlight::app
