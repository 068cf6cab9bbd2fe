#include "greenlight/runbook/run_checks.h"

#include <catch2/catch.hpp>
#include <filesystem>

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
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("greenlight-run-checks-" + std::to_string(::rand()));
  ~TempRuns() { std::filesystem::remove_all(root); }
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

TEST_CASE("resume: unknown, ended and orphaned runs are refused; an open one gives its history") {
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
