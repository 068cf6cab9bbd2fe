#include "greenlight/runbook/journal.h"

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
