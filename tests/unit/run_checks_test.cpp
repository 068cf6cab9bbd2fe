#include "greenlight/checks/check_kind.h"
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
    CHECK(held[0].standing.condition == RunCondition::kExecuting);
    CHECK(held[0].holder.pid == ::getpid());
    CHECK(held[0].standing.process == ::getpid());
    CHECK_FALSE(held[0].holder.user.empty());
    const std::string refusal = create_run(store, all[0]).refusal;
    CHECK_THAT(refusal, Catch::Contains(fmt::format("(process {}, user ", ::getpid())));
    // A process of its own (not greenlight serve): attach, resume and abort
    // all refuse it; it is followed from its terminal and stopped there.
    CHECK_THAT(refusal, Catch::Contains(fmt::format("executes in process {} of ", ::getpid())));
    CHECK_THAT(refusal, Catch::Contains("(not in greenlight serve)"));
    CHECK_THAT(refusal, Catch::Contains("greenlight runbook status " + first.id +
                                        " shows where it stands"));
    CHECK_THAT(refusal, Catch::Contains(fmt::format("kill -INT {}", ::getpid())));
    CHECK_THAT(refusal, !Catch::Contains("runbook attach") && !Catch::Contains("runbook resume") &&
                            !Catch::Contains("runbook abort"));
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
  CHECK(held[0].standing.condition == RunCondition::kDamaged);
  CHECK_THAT(describe(held[0].standing), Catch::StartsWith("damaged: "));
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
        std::vector<std::string>{"-   step 1 x (phase p)", "-   step 2 y (phase p)",
                                 "+   step 1 z (phase p)", "+   step 2 x (phase p)",
                                 "+   step 3 y (phase p)"});
  // Each side names the phase the line is in, as that side has it.
  const std::vector<std::string> c{"phase p", "  step 1 x", "phase q", "  step 1 y"};
  const std::vector<std::string> d{"phase p", "  step 1 x", "phase r", "  step 1 y"};
  CHECK(outline_diff(c, d) == std::vector<std::string>{"- phase q", "+ phase r"});
  const std::vector<std::string> e{"phase p", "  step 1 x", "phase r", "  step 1 z"};
  CHECK(outline_diff(c, e) == std::vector<std::string>{"- phase q", "-   step 1 y (phase q)",
                                                       "+ phase r", "+   step 1 z (phase r)"});
}

namespace {
// The site of the next test case: `top` and `top_nodes` change what a step
// acts on, `volume` what a gate reads, `bmc` where a power step goes.
std::vector<Runbook> site_books(const std::string& top_nodes, const std::string& volume,
                                const std::string& bmc, const std::string& other = "x[1-2]") {
  const std::string text = fmt::format(R"(site: t
hosts:
  top1: {{self: true, bmc: {}}}
  top2: {{address: 10.0.0.2}}
groups:
  top: "{}"
  other: "{}"
  probe: "p[1-2]"
checks:
  heal:
    kind: gluster_heal
    volumes: [{}]
  reach: {{kind: fping, targets: "@probe"}}
runbooks:
  inline:
    restart:
      gates:
        healed: {{checks: [{{check: heal}}], timeout: 1m}}
        reachable: {{checks: [{{check: reach}}], timeout: 1m}}
      phases:
        - name: stop
          steps:
            - confirm: go on?
            - run: {{on: "@top", exclude: self, command: "umount -a"}}
            - power: {{on: self, action: off}}
          wait_for: [healed, reachable]
power: {{command: "ipmitool -H {{bmc}} chassis power {{action}}"}}
)",
                                       bmc, top_nodes, other, volume);
  greenlight::config::Diagnostics diagnostics;
  const auto site = greenlight::checks::read_site(
      greenlight::config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml", diagnostics);
  auto loaded = load_runbooks(site, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(diagnostics.ok());
  REQUIRE(loaded.size() == 1);
  loaded[0].file.clear();  // read from a text, not a file: nothing to copy
  return loaded;
}
}  // namespace

// A paused run acts on what the site said when it started: a group that
// gained a node, a gate's check pointed at another volume, a host's BMC
// changed are changes of the run, refused on resume as a runbook edit is;
// a part of the site the runbook does not use is not.
TEST_CASE("resume refuses the parts of the site a run uses edited since it started") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto started = site_books("top[1-2]", "vol1", "10.9.0.1");
  const auto& outline = outline_of(started[0]);
  CHECK(std::count(outline.begin(), outline.end(), "site group @site:top: top[1-2]") == 1);
  CHECK(std::count(outline.begin(), outline.end(), "site self: top1") == 1);
  // A group a gate's check reads (fping's targets) is the run's too.
  CHECK(std::count(outline.begin(), outline.end(), "site group @site:probe: p[1-2]") == 1);
  const NewRun created = create_run(store, started[0]);
  REQUIRE_FALSE(created.id.empty());
  {
    auto journal = Journal::create(store.journal(created.id));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kRunOutline, "", "outline",
                   *outline_fingerprint(store.directory(created.id)));
    journal.append(JournalEvent::kRunPaused, "stop", "1", "the operator did not confirm");
  }
  CHECK(check_resume(store, started, created.id).verdict == ResumeCheck::Verdict::kResumable);
  // A group the runbook does not name: the same run.
  const auto unrelated = site_books("top[1-2]", "vol1", "10.9.0.1", "x[1-9]");
  CHECK(check_resume(store, unrelated, created.id).verdict == ResumeCheck::Verdict::kResumable);

  const auto grown = site_books("top[1-3]", "vol1", "10.9.0.1");
  const auto refused = check_resume(store, grown, created.id);
  CHECK(refused.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK_THAT(refused.refusal, Catch::Contains("the parts of the site file that runbook restart "
                                              "uses changed since run " + created.id));
  CHECK_THAT(refused.refusal, Catch::Contains(":top: top[1-2]"));
  CHECK_THAT(refused.refusal, Catch::Contains(":top: top[1-3]"));
  CHECK_THAT(refused.refusal, Catch::Contains("Restore the site file as it was"));

  const auto other_volume = site_books("top[1-2]", "vol2", "10.9.0.1");
  const auto check_refused = check_resume(store, other_volume, created.id);
  CHECK(check_refused.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK_THAT(check_refused.refusal, Catch::Contains("- site check heal: kind gluster_heal"));
  CHECK_THAT(check_refused.refusal, Catch::Contains("volumes: [vol2]"));

  const auto moved = site_books("top[1-2]", "vol1", "10.9.0.7");
  const auto bmc_refused = check_resume(store, moved, created.id);
  CHECK(bmc_refused.verdict == ResumeCheck::Verdict::kRunbookChanged);
  CHECK_THAT(bmc_refused.refusal, Catch::Contains("+ site host top1: address"));
  CHECK_THAT(bmc_refused.refusal, Catch::Contains("bmc 10.9.0.7; self"));

  // The outline on disk is what the journal fingerprinted, or nothing resumes.
  {
    std::ofstream(store.directory(created.id) / "outline", std::ios::app) << "phase extra\n";
  }
  const auto altered = check_resume(store, started, created.id);
  CHECK(altered.verdict == ResumeCheck::Verdict::kOutlineAltered);
  CHECK(altered.book == nullptr);
  CHECK_THAT(altered.refusal, Catch::Contains("is not the one journaled when it was written"));
  CHECK_THAT(altered.refusal, Catch::Contains("greenlight runbook abort " + created.id));
}

// A dry run's journal says "would run" where a real run acted: found again
// (its temporary directory left by a kill, --runs pointed at it), it is
// never resumed for real.
TEST_CASE("resume refuses a dry run's journal") {
  TempRuns temp;
  const RunStore store(temp.root);
  const auto all = books();
  const std::string id = store.create("restart");
  mark_dry_run(store, id);
  {
    auto journal = Journal::create(store.journal(id));
    journal.append(JournalEvent::kRunStarted, "", "", "restart");
    journal.append(JournalEvent::kPhaseStarted, "preflight");
  }
  const auto check = check_resume(store, all, id);
  CHECK(check.verdict == ResumeCheck::Verdict::kDryRun);
  CHECK(check.book == nullptr);
  CHECK_THAT(check.refusal, Catch::Contains("is a dry run: nothing of it was done"));
  CHECK_THAT(check.refusal, Catch::Contains("greenlight runbook exec restart starts a real run"));
}
