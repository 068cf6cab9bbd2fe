#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_outline.h"
#include "support/runbook_fakes.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>
#include <fstream>

using namespace greenlight::runbook;

namespace {
std::vector<Runbook> books() {
  Runbook restart;
  restart.name = "restart";
  restart.phases.resize(2);
  restart.phases[0].name = "preflight";
  restart.phases[1].name = "stop-vms";
  return {restart};
}

struct TempRuns {
  // mkdtemp: a directory of this process's own (test cases run in parallel).
  greenlight::testing::TempDir dir;
  std::filesystem::path root = dir.path / "runs";
};
}  // namespace

TEST_CASE("exec: an unknown runbook or phase is refused in the operator's words") {
  const auto all = books();
  CHECK(check_exec(all, "restart", "").book == &all[0]);
  CHECK(check_exec(all, "restart", "stop-vms").book == &all[0]);
  const auto unknown = check_exec(all, "shutdown", "");
  CHECK(unknown.book == nullptr);
  CHECK_FALSE(unknown.usage);
  CHECK(unknown.refusal == "no runbook named 'shutdown' (see greenlight runbook list)");
  const auto phase = check_exec(all, "restart", "startup");
  CHECK(phase.book == nullptr);
  CHECK(phase.usage);
  CHECK(phase.refusal == "runbook restart has no phase 'startup'");
}

TEST_CASE("resume: unknown, ended and orphaned runs are refused, an open one gives its history") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto all = books();
  using Verdict = ResumeCheck::Verdict;

  const auto missing = check_resume(store, all, "restart-20261126-000000");
  CHECK(missing.verdict == Verdict::kNoSuchRun);
  CHECK(missing.refusal == "no run 'restart-20261126-000000' in " + temp.root.string() +
                               " (see greenlight runbook status)");

  const std::string open = store.create("restart");
  {
    auto journal = Journal::create(store.journal(open));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kPhaseStarted, "preflight");
  }
  const auto resumable = check_resume(store, all, open);
  CHECK(resumable.verdict == Verdict::kResumable);
  CHECK(resumable.refusal.empty());
  CHECK(resumable.book == &all[0]);
  CHECK(resumable.history.size() == 2);

  const auto gone = check_resume(store, {}, open);
  CHECK(gone.verdict == Verdict::kRunbookGone);
  CHECK(gone.refusal == "run " + open + " is of runbook 'restart', which the site no longer has");

  const std::string finished = store.create("restart");
  {
    auto journal = Journal::create(store.journal(finished));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kRunFinished);
  }
  const auto ended = check_resume(store, all, finished);
  CHECK(ended.verdict == Verdict::kFinished);
  CHECK(ended.refusal == "run " + finished + " is finished: nothing to resume");
}

TEST_CASE("exec: one run at a time, whatever its runbook, the refusal names the run and what to do") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto all = books();
  Runbook shutdown = all[0];
  shutdown.name = "shutdown";

  const NewRun first = create_run(store, all[0]);
  REQUIRE_FALSE(first.id.empty());
  {
    auto journal = Journal::create(store.journal(first.id));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kPhaseStarted, "preflight");
    journal.append(JournalEvent::kRunPaused, "", "", "the operator did not confirm");
  }
  const NewRun second = create_run(store, all[0]);
  CHECK(second.id.empty());
  CHECK_THAT(second.refusal, Catch::Contains("runbook restart runs alone, and a run has not ended"));
  CHECK_THAT(second.refusal, Catch::Contains(first.id + ": paused"));
  CHECK_THAT(second.refusal, Catch::Contains("greenlight runbook resume " + first.id));
  CHECK_THAT(second.refusal, Catch::Contains("greenlight runbook abort " + first.id));

  // Another runbook is held by it too: a shutdown beside a paused restart
  // would act on the cluster out of the procedure's order.
  CHECK_THAT(create_run(store, shutdown).refusal, Catch::Contains(first.id + ": paused"));

  // While a process executes it, the refusal names the process and its user.
  {
    auto lock = RunLock::acquire(store.directory(first.id));
    const auto held = unfinished_runs(store, "restart");
    REQUIRE(held.size() == 1);
    CHECK(held[0].state == "executing");
    CHECK(held[0].pid == ::getpid());
    CHECK_FALSE(held[0].user.empty());
    CHECK_THAT(create_run(store, all[0]).refusal,
               Catch::Contains(fmt::format("(process {}, user ", ::getpid())));
  }

  // Ended runs do not hold it.
  {
    auto journal = Journal::open(store.journal(first.id));
    journal.append(JournalEvent::kRunAborted, "", "", "operator");
  }
  // A run created whose journal is still empty holds the site too.
  Runbook other = all[0];
  other.name = "startup";
  const NewRun starting = create_run(store, other);
  REQUIRE_FALSE(starting.id.empty());
  CHECK_THAT(create_run(store, other).refusal, Catch::Contains(starting.id + ": starting"));
  CHECK_THAT(create_run(store, all[0]).refusal, Catch::Contains(starting.id + ": starting"));

  // A concurrent_runs runbook does not start beside a run of a runbook
  // that runs alone...
  Runbook concurrent = all[0];
  concurrent.name = "rehearsal";
  concurrent.concurrent_runs = true;
  CHECK_THAT(create_run(store, concurrent).refusal, Catch::Contains(starting.id + ": starting"));
  {
    auto journal = Journal::create(store.journal(starting.id));
    journal.append(JournalEvent::kRunStarted, "", "", "startup");
    journal.append(JournalEvent::kRunAborted, "", "", "operator");
  }
  // ...but beside its own kind; and its unfinished runs hold the others.
  const NewRun rehearsal = create_run(store, concurrent);
  REQUIRE_FALSE(rehearsal.id.empty());
  CHECK_FALSE(create_run(store, concurrent).id.empty());
  CHECK_THAT(create_run(store, all[0]).refusal, Catch::Contains(rehearsal.id + ": starting"));
}

TEST_CASE("exec: a damaged journal of the runbook's run holds it, named with the reason") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto all = books();
  const NewRun first = create_run(store, all[0]);
  REQUIRE_FALSE(first.id.empty());
  {
    std::ofstream out(store.journal(first.id));
    out << "not a journal line\nnor this one\n";
  }
  const auto held = unfinished_runs(store, "restart");
  REQUIRE(held.size() == 1);
  CHECK_THAT(held[0].state, Catch::StartsWith("damaged: "));
}

TEST_CASE("resume refuses a runbook edited since the run started, showing what changed") {
  TempRuns temp;
  const RunStore store(temp.root);
  auto all = books();
  Step first;
  first.kind = StepKind::kConfirm;
  first.text = "go on?";
  Step second;
  second.kind = StepKind::kRun;
  second.nodes = "@top";
  second.command = CommandTemplate::parse("umount -a -t fuse.glusterfs");
  all[0].phases[1].steps = {first, second};
  const NewRun created = create_run(store, all[0]);
  REQUIRE_FALSE(created.id.empty());
  {
    auto journal = Journal::create(store.journal(created.id));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kRunPaused, "stop-vms", "1", "the operator did not confirm");
  }
  CHECK(check_resume(store, all, created.id).verdict == ResumeCheck::Verdict::kResumable);

  // A step inserted before the paused one: matched by position, the journal
  // would call it done and run the confirmed one again.
  auto edited = all;
  Step inserted;
  inserted.kind = StepKind::kRun;
  inserted.nodes = "self";
  inserted.command = CommandTemplate::parse("gluster volume stop volspoms1");
  edited[0].phases[1].steps.insert(edited[0].phases[1].steps.begin(), inserted);
  const auto refused = check_resume(store, edited, created.id);
  CHECK(refused.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK(refused.book == nullptr);
  CHECK_THAT(refused.refusal, Catch::Contains("runbook restart changed since run " + created.id));
  CHECK_THAT(refused.refusal,
             Catch::Contains("+   step 1 run on self: gluster volume stop volspoms1"));
  CHECK_THAT(refused.refusal, Catch::Contains("-   step 1 confirm: go on?"));
  CHECK_THAT(refused.refusal, Catch::Contains("greenlight runbook abort " + created.id));

  // How a step runs is part of it: a timeout or fanout edited is a change.
  auto retimed = all;
  retimed[0].phases[1].steps[1].timeout = std::chrono::milliseconds(5000);
  retimed[0].phases[1].steps[1].fanout = 2;
  const auto retimed_refused = check_resume(store, retimed, created.id);
  CHECK(retimed_refused.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK_THAT(retimed_refused.refusal,
             Catch::Contains("+   step 2 run on @top: umount -a -t fuse.glusterfs; exit codes 0; "
                             "0 failed nodes allowed; fanout 2; timeout 5000ms"));

  // Restored as it was: resumable again.
  CHECK(check_resume(store, all, created.id).verdict == ResumeCheck::Verdict::kResumable);
}

TEST_CASE("outline diff: lines removed and added, in order, nothing for the same outline") {
  const std::vector<std::string> a{"phase p", "  step 1 x", "  step 2 y"};
  const std::vector<std::string> b{"phase p", "  step 1 z", "  step 2 x", "  step 3 y"};
  CHECK(outline_diff(a, a).empty());
  CHECK(outline_diff(a, b) ==
        std::vector<std::string>{"-   step 1 x", "-   step 2 y", "+   step 1 z", "+   step 2 x",
                                 "+   step 3 y"});
}
