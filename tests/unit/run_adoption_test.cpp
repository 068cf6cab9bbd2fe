#include "greenlight/checks/check_kind.h"
#include "greenlight/runbook/run_adoption.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_outline.h"
#include "support/runbook_fakes.h"

using namespace greenlight::runbook;

namespace {

Step run_step(const std::string& command, const std::string& id = "") {
  Step step;
  step.kind = StepKind::kRun;
  step.nodes = "self";
  step.command = CommandTemplate::parse(command);
  step.id = id;
  return step;
}

Runbook restart(std::vector<Step> first, std::vector<Step> second) {
  Runbook book;
  book.name = "restart";
  book.phases.resize(2);
  book.phases[0].name = "stop-vms";
  book.phases[0].steps = std::move(first);
  book.phases[1].name = "stop-volumes";
  book.phases[1].steps = std::move(second);
  return book;
}

struct TempRuns {
  // mkdtemp: a directory of this process's own (test cases run in parallel).
  greenlight::testing::TempDir dir;
  std::filesystem::path root = dir.path / "runs";
};

// A run of `book` that finished stop-vms (steps 1 and 2) and paused on
// stop-volumes step 1, started and never finished.
std::string paused_run(const RunStore& store, const Runbook& book) {
  const NewRun created = create_run(store, book);
  auto journal = Journal::create(store.journal(created.id));
  journal.append(JournalEvent::kRunStarted, "", "", "restart");
  journal.append(JournalEvent::kPhaseStarted, "stop-vms", "", "");
  journal.append(JournalEvent::kStepStarted, "stop-vms", "1", "");
  journal.append(JournalEvent::kStepFinished, "stop-vms", "1", "ok on 1 node");
  journal.append(JournalEvent::kStepStarted, "stop-vms", "2", "");
  journal.append(JournalEvent::kStepFinished, "stop-vms", "2", "ok on 1 node");
  journal.append(JournalEvent::kPhaseFinished, "stop-vms", "", "");
  journal.append(JournalEvent::kPhaseStarted, "stop-volumes", "", "");
  journal.append(JournalEvent::kStepStarted, "stop-volumes", "1", "");
  journal.append(JournalEvent::kStepProcess, "stop-volumes", "1",
                 "pgid=4242 pid=4242 boot=b start=7 node=here");
  return created.id;
}

}  // namespace

TEST_CASE("adoption maps done steps by content or id, never by place") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto then = restart({run_step("fleetctl stop a"), run_step("fleetctl stop b", "stop-b")},
                            {run_step("gluster volume stop v1")});
  const std::string run = paused_run(store, then);

  // Inserted before the done steps; stop-b rewritten but keeping its id;
  // a new step inserted before the interrupted one.
  const auto now = restart({run_step("echo inserted"), run_step("fleetctl stop a"),
                            run_step("fleetctl stop b --all", "stop-b")},
                           {run_step("sync"), run_step("gluster volume stop v1")});
  const std::vector<Runbook> books{now};
  const auto check = check_resume(store, books, run);
  REQUIRE(check.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK_THAT(check.refusal, Catch::Contains("greenlight runbook resume " + run + " --adopt"));
  const Adoption adoption = plan_adoption(check.outline, check.history, now);

  REQUIRE(adoption.kept.size() == 3);
  CHECK(adoption.kept[0].then.number == 1);
  CHECK(adoption.kept[0].now.number == 2);
  CHECK_FALSE(adoption.kept[0].by_id);
  CHECK(adoption.kept[1].now.number == 3);
  CHECK(adoption.kept[1].by_id);
  CHECK(adoption.kept[2].now.phase == "stop-volumes");
  CHECK(adoption.kept[2].now.number == 2);
  CHECK(adoption.kept[2].state == StepState::kStarted);
  CHECK(adoption.dropped.empty());
  REQUIRE(adoption.not_run.size() == 2);
  CHECK(adoption.not_run[0].content ==
        "run on self: echo inserted; exit codes 0; 0 failed nodes allowed");
  CHECK(adoption.reopened == std::vector<std::string>{"stop-vms"});
  const auto lines = describe_adoption(adoption);
  const auto has = [&lines](const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&text](const std::string& line) { return line == text; });
  };
  CHECK(has("  phase stop-vms step 1 -> phase stop-vms step 2: done (same content)"));
  CHECK(has("  phase stop-vms step 2 -> phase stop-vms step 3: done (id stop-b)"));
  CHECK(
      has("  phase stop-volumes step 1 -> phase stop-volumes step 2: interrupted (started, "
          "never recorded as finished) (same content)"));

  adopt(store, run, now, adoption, "uid 0 (root) pid 1 on /dev/pts/0");
  const auto after = check_resume(store, books, run);
  REQUIRE(after.verdict == ResumeCheck::Verdict::kResumable);
  const RunState state = replay(after.history);
  CHECK(state.steps.at("stop-vms").count(1) == 0);
  CHECK(state.steps.at("stop-vms").at(2) == StepState::kFinished);
  CHECK(state.steps.at("stop-vms").at(3) == StepState::kFinished);
  CHECK(state.steps.at("stop-volumes").count(1) == 0);
  CHECK(state.steps.at("stop-volumes").at(2) == StepState::kStarted);
  CHECK(state.finished_phases.empty());  // stop-vms is open again for its new step
  CHECK(state.current_phase == "stop-volumes");
  CHECK(state.paused == false);
  const auto adopted =
      std::find_if(after.history.begin(), after.history.end(),
                   [](const JournalRecord& r) { return r.event == JournalEvent::kRunAdopted; });
  REQUIRE(adopted != after.history.end());
  CHECK_THAT(adopted->detail, Catch::Contains("by uid 0 (root) pid 1 on /dev/pts/0"));
  // The interrupted step keeps its process record at its new place.
  CHECK(std::any_of(after.history.begin(), after.history.end(), [](const JournalRecord& r) {
    return r.event == JournalEvent::kStepProcess && r.phase == "stop-volumes" && r.step == "2";
  }));
}

TEST_CASE("adoption drops a done step the edited runbook no longer has") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto then = restart({run_step("fleetctl stop a"), run_step("fleetctl stop b")},
                            {run_step("gluster volume stop v1")});
  const std::string run = paused_run(store, then);
  const auto now = restart({run_step("fleetctl stop b")}, {run_step("gluster volume stop v1")});
  const auto check = check_resume(store, {now}, run);
  const Adoption adoption = plan_adoption(check.outline, check.history, now);
  REQUIRE(adoption.dropped.size() == 1);
  CHECK(adoption.dropped[0].first.number == 1);
  CHECK(adoption.not_run.empty());
  CHECK(adoption.reopened.empty());  // every step of stop-vms maps to a done one
}

TEST_CASE("an adoption cut short by a crash never happened") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto then = restart({run_step("a"), run_step("b")}, {run_step("c")});
  const std::string run = paused_run(store, then);
  const RunState before = replay(read_journal(store.journal(run)));
  {
    auto journal = Journal::open(store.journal(run));
    journal.append(JournalEvent::kRunAdopted, "", "outline.11 3", "adopted");
    journal.append(JournalEvent::kStepFinished, "stop-vms", "5", "");
  }
  const RunState after = replay(read_journal(store.journal(run)));
  CHECK(after.steps == before.steps);
  CHECK(after.finished_phases == before.finished_phases);
  CHECK(after.adopted_outline.empty());

  // The run resumed as it was: its own records after the cut-short
  // adoption never complete the adoption's count.
  {
    auto journal = Journal::open(store.journal(run));
    journal.append(JournalEvent::kRunResumed, "", "", "retry");
    journal.append(JournalEvent::kStepFinished, "stop-vms", "6", "");
  }
  const RunState resumed = replay(read_journal(store.journal(run)));
  CHECK(resumed.adopted_outline.empty());
  CHECK(resumed.finished_phases == before.finished_phases);
  for (const auto& [phase, steps] : before.steps) {
    for (const auto& [number, state] : steps) CHECK(resumed.steps.at(phase).at(number) == state);
  }
}

TEST_CASE("a step id is loaded, unique in its runbook, and shown in the outline") {
  const std::string text = R"(site: t
hosts:
  top1: {self: true}
runbooks:
  inline:
    book:
      phases:
        - name: a
          steps:
            - run: {id: stop-b, on: self, command: "true"}
            - run: {id: stop-b, on: self, command: "false"}
            - run: {id: "Bad id", on: self, command: "false"}
)";
  greenlight::config::Diagnostics diagnostics;
  const auto site = greenlight::checks::read_site(
      greenlight::config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml", diagnostics);
  const auto books = load_runbooks(site, diagnostics);
  CHECK_THAT(
      diagnostics.format(),
      Catch::Contains("site.yaml:11:15: error: phase 'a' step 2: id 'stop-b' is already another "
                      "step's"));
  CHECK_THAT(diagnostics.format(), Catch::Contains("id 'Bad id': a step id is lower-case"));
  REQUIRE(books.size() == 1);
  CHECK(outline_of(books[0])[2] ==
        "  step 1 (id stop-b) run on self: true; exit codes 0; 0 failed nodes allowed");
  CHECK(outline_steps(outline_of(books[0]))[0].id == "stop-b");
}
