#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_store.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace greenlight::runbook;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/greenlight-journal-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST_CASE("a journal reads back what was appended, fields escaped") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kPhaseStarted, "stop-vms");
    journal.append(JournalEvent::kStepStarted, "stop-vms", "2");
    journal.append(JournalEvent::kStepFinished, "stop-vms", "2", "top1: ok\n\ttab \\ slash");
  }
  const auto records = read_journal(path);
  REQUIRE(records.size() == 4);
  CHECK(records[3].sequence == 4);
  CHECK(records[3].detail == "top1: ok\n\ttab \\ slash");
  CHECK(records[0].event == JournalEvent::kRunStarted);
  CHECK_THROWS_AS(Journal::create(path), JournalError);  // never overwrites a run
}

TEST_CASE("a step started but not finished is reported as interrupted, never as done") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
    journal.append(JournalEvent::kPhaseStarted, "stop-volumes");
    journal.append(JournalEvent::kStepStarted, "stop-volumes", "1");
    journal.append(JournalEvent::kStepFinished, "stop-volumes", "1");
    journal.append(JournalEvent::kStepStarted, "stop-volumes", "2");
  }
  const RunState state = replay(read_journal(path));
  CHECK(state.runbook == "shutdown");
  CHECK(state.current_phase == "stop-volumes");
  CHECK(state.steps.at("stop-volumes").at(1) == StepState::kFinished);
  REQUIRE(state.interrupted_steps.size() == 1);
  CHECK(state.interrupted_steps[0] == std::make_pair(std::string("stop-volumes"), 2));
  CHECK_FALSE(state.finished);
}

TEST_CASE("a torn last line is dropped and the journal goes on after it") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
    journal.append(JournalEvent::kSelfPoweroff, "poweroff-self", "1");
  }
  {
    std::ofstream torn(path, std::ios::app);
    torn << "3\t17000\trun-fin";  // the host lost power mid-write
  }
  auto records = read_journal(path);
  REQUIRE(records.size() == 2);
  CHECK(replay(records).self_poweroff_pending);
  {
    auto journal = Journal::open(path);
    CHECK(journal.append(JournalEvent::kRunResumed).sequence == 3);
  }
  records = read_journal(path);
  REQUIRE(records.size() == 3);
  CHECK_FALSE(replay(records).self_poweroff_pending);
}

TEST_CASE("damage before the last line is an error naming the line") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
    journal.append(JournalEvent::kPhaseStarted, "preflight");
  }
  std::string text;
  {
    std::ifstream in(path);
    std::getline(in, text, '\0');
  }
  text[text.find("shutdown")] = 'S';
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }
  CHECK_THROWS_WITH(read_journal(path), Catch::Contains("run.journal:1: checksum mismatch"));
}

TEST_CASE("the records before a damaged line stay readable from the error") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
    journal.append(JournalEvent::kPhaseStarted, "preflight");
  }
  { std::ofstream(path, std::ios::app) << "garbage{{{\n"; }
  try {
    read_journal(path);
    FAIL("the damaged journal was read");
  } catch (const JournalError& error) {
    CHECK_THAT(error.what(), Catch::Contains("run.journal:3: "));
    REQUIRE(error.readable().size() == 2);
    CHECK(error.readable()[1].phase == "preflight");
  }
}

// A journal removed under the run (its directory or the runs directory
// deleted by hand) takes every later record with it: the next append is
// refused, so the run stops instead of acting without a record.
TEST_CASE("a journal removed while it is written refuses the next record") {
  TempDir dir;
  const auto path = dir.path / "run.journal";
  auto journal = Journal::create(path);
  journal.append(JournalEvent::kRunStarted, "", "", "shutdown");
  fs::remove(path);
  CHECK_THROWS_WITH(journal.append(JournalEvent::kPhaseStarted, "preflight"),
                    Catch::Contains("was removed while the run executed: nothing more is done"));
}

// The run's directory is its lock: removing RUN/lock (a "stale lock"
// cleaned up by hand) lets no second process execute the run.
TEST_CASE("a run's lock holds without its lock file") {
  TempDir dir;
  const auto run = dir.path / "restart-20261202-000000";
  fs::create_directories(run);
  auto lock = RunLock::acquire(run);
  CHECK(RunLock::holder(run) == ::getpid());
  fs::remove(run / "lock");
  CHECK(RunLock::holder(run) == -1);
  CHECK_THROWS_WITH(RunLock::acquire(run), Catch::Contains("being executed by another process"));
  { auto gone = std::move(lock); }
  CHECK(RunLock::holder(run) == 0);
  CHECK_NOTHROW(RunLock::acquire(run));
}
