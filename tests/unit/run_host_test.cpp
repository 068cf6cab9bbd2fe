// A run held by this process (runbook::RunHost): its lock refused with who
// holds it, a new run and a resumed one, a stop that leaves it resumable,
// and an abort journaled once, through a running executor or straight into
// the journal of a run no process executes.
#include "greenlight/runbook/run_host.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_store.h"
#include "support/executor_harness.h"

using namespace greenlight;
using runbook::JournalEvent;
using runbook::RunHost;
using testing::ExecutorHarness;

namespace {

const char* kTwoSteps = R"(      phases:
        - name: one
          steps:
            - run: {on: n2, command: "fail-me"}
            - run: {on: n2, command: "echo after"}
)";

// A runner whose commands never end: the executor stays in its step.
class HangingRunner : public CommandRunner {
 public:
  void run(const Endpoint&, const Command& command, std::function<void(RunResult)> done) override {
    started.push_back(command.text());
    held.push_back(std::move(done));
  }
  std::vector<std::string> started;
  std::vector<std::function<void(RunResult)>> held;
};

struct Held {
  ExecutorHarness h{kTwoSteps};
  runbook::RunStore store{h.dir.path / "runs"};
  std::string run = store.create("book");

  runbook::Executor::Context context(CommandRunner& runner) {
    return runbook::Executor::Context{h.io,
                                      h.books[0],
                                      h.site,
                                      *h.groups,
                                      runner,
                                      [](const std::string& node) {
                                        Endpoint endpoint;
                                        endpoint.node = node;
                                        return endpoint;
                                      },
                                      h.results,
                                      h.person};
  }
  template <typename Done>
  bool run_until(Done done) {
    return h.run_until(std::move(done));
  }
  std::vector<runbook::JournalRecord> records() const {
    return runbook::read_journal(store.journal(run));
  }
  /// A new run started and left paused at its failing step.
  void paused_run() {
    h.runner.failing_commands["fail-me"] = {3, "boom"};
    RunHost host(h.io, store, run);
    host.open_new();
    std::optional<runbook::RunOutcome> outcome;
    host.start(context(h.runner), h.options, [&](runbook::RunOutcome o) { outcome = o; });
    REQUIRE(run_until([&] { return outcome.has_value(); }));
    REQUIRE(*outcome == runbook::RunOutcome::kPaused);
  }
};

}  // namespace

TEST_CASE("the run's lock: held while the host lives, refused to another with who holds it") {
  Held held;
  const auto directory = held.store.directory(held.run);
  {
    RunHost host(held.h.io, held.store, held.run);
    CHECK(runbook::RunLock::holder(directory) == ::getpid());
    CHECK(host.run() == held.run);
    CHECK(host.journal_path() == held.store.journal(held.run));
    CHECK_FALSE(host.executing());
    CHECK_FALSE(host.snapshot().has_value());
    CHECK(host.stop("nothing runs") == 0);
    try {
      RunHost second(held.h.io, held.store, held.run);
      FAIL("a second host took the run");
    } catch (const runbook::RunRefused& refused) {
      CHECK(refused.holder() == ::getpid());
      CHECK(refused.lock_error() ==
            "the run is being executed by process " + std::to_string(::getpid()));
      // The holder's advice follows the lock's error.
      CHECK_THAT(std::string(refused.what()), Catch::StartsWith(refused.lock_error() + "; ") &&
                                                  Catch::Contains(std::to_string(::getpid())));
    }
  }
  CHECK(runbook::RunLock::holder(directory) == 0);
}

TEST_CASE("a new run starts, its notifier and observer hear every record, its end is idle") {
  Held held;
  std::vector<JournalEvent> observed;
  std::optional<runbook::RunOutcome> outcome;
  RunHost host(held.h.io, held.store, held.run);
  host.open_new();
  host.start(
      held.context(held.h.runner), held.h.options, [&](runbook::RunOutcome o) { outcome = o; },
      [&](const runbook::JournalRecord& r) { observed.push_back(r.event); });
  CHECK(host.executing());
  REQUIRE(held.run_until([&] { return outcome.has_value(); }));
  CHECK(*outcome == runbook::RunOutcome::kFinished);
  CHECK(host.snapshot()->state == runbook::RunSnapshot::State::kFinished);
  bool idle = false;
  CHECK(host.notifying() == 0);  // the site has no notify command
  host.when_idle([&] { idle = true; });
  CHECK(idle);
  const auto records = held.records();
  REQUIRE(records.size() == observed.size());
  CHECK(records.front().event == JournalEvent::kRunStarted);
  CHECK(observed.back() == JournalEvent::kRunFinished);
  CHECK(held.h.runner.count("echo after") == 1);
}

TEST_CASE("a resumed run continues from its journal's history, started when it first started") {
  Held held;
  held.paused_run();
  const auto first = held.records().front();
  held.h.runner.failing_commands.clear();
  RunHost host(held.h.io, held.store, held.run);
  host.open_resumed();
  CHECK(host.started() ==
        std::chrono::system_clock::time_point(std::chrono::milliseconds(first.unix_ms)));
  held.h.person.decisions.push_back({runbook::Decision::Kind::kRetry, ""});
  std::optional<runbook::RunOutcome> outcome;
  host.start(held.context(held.h.runner), held.h.options,
             [&](runbook::RunOutcome o) { outcome = o; });
  REQUIRE(held.run_until([&] { return outcome.has_value(); }));
  CHECK(*outcome == runbook::RunOutcome::kFinished);
  CHECK(held.h.runner.count("fail-me") == 2);
  CHECK(held.h.runner.count("echo after") == 1);
}

TEST_CASE("a stop leaves the run as journaled, to resume") {
  Held held;
  HangingRunner hanging;
  RunHost host(held.h.io, held.store, held.run);
  host.open_new();
  bool done = false;
  host.start(held.context(hanging), held.h.options, [&](runbook::RunOutcome) { done = true; });
  REQUIRE(held.run_until([&] { return !hanging.started.empty(); }));
  host.stop("stopped by the test");
  CHECK_FALSE(host.executing());
  REQUIRE(host.snapshot().has_value());
  CHECK(host.snapshot()->state != runbook::RunSnapshot::State::kAborted);
  CHECK_FALSE(done);
  const auto state = runbook::replay(held.records());
  CHECK_FALSE(state.aborted);
  CHECK_FALSE(state.finished);
}

TEST_CASE("an abort stops the executor and is journaled once, with who and why") {
  Held held;
  HangingRunner hanging;
  std::vector<JournalEvent> observed;
  RunHost host(held.h.io, held.store, held.run);
  host.open_new();
  host.start(
      held.context(hanging), held.h.options, [](runbook::RunOutcome) {},
      [&](const runbook::JournalRecord& r) { observed.push_back(r.event); });
  REQUIRE(held.run_until([&] { return !hanging.started.empty(); }));
  const auto abort =
      host.abort("the rack lost power", "uid 0 (root) pid 1 through the control socket");
  CHECK(abort.result == runbook::RunAbort::Result::kAborted);
  CHECK(abort.detail ==
        "the rack lost power (aborted by uid 0 (root) pid 1 through the control socket)");
  CHECK_FALSE(host.executing());
  REQUIRE(host.snapshot().has_value());
  CHECK(host.snapshot()->state == runbook::RunSnapshot::State::kAborted);
  CHECK(host.snapshot()->abort_reason == "the rack lost power");
  const auto records = held.records();
  std::size_t aborts = 0;
  for (const auto& r : records) aborts += r.event == JournalEvent::kRunAborted;
  CHECK(aborts == 1);
  CHECK(records.back().event == JournalEvent::kRunAborted);
  CHECK(records.back().phase == "one");
  CHECK(records.back().step == "1");
  CHECK(records.back().detail == abort.detail);
  CHECK(observed.back() == JournalEvent::kRunAborted);  // the observer still hears it
  CHECK(runbook::replay(records).aborted);
}

TEST_CASE("an abort of a run no process executes goes straight into its journal, once") {
  Held held;
  held.paused_run();
  {
    RunHost host(held.h.io, held.store, held.run);
    const auto abort = host.abort("aborted with greenlight runbook abort by ops", "", &held.h.site);
    CHECK(abort.result == runbook::RunAbort::Result::kAborted);
    CHECK(abort.detail == "aborted with greenlight runbook abort by ops");
    CHECK_FALSE(abort.new_journal);
    const auto records = held.records();
    CHECK(records.back().event == JournalEvent::kRunAborted);
    CHECK(records.back().phase == "one");
    CHECK(records.back().detail == abort.detail);
  }
  RunHost again(held.h.io, held.store, held.run);
  const auto size = held.records().size();
  CHECK(again.abort("twice", "").result == runbook::RunAbort::Result::kAlreadyAborted);
  CHECK(held.records().size() == size);
}

TEST_CASE("an abort of a run that never started, or whose journal is damaged, starts a journal") {
  Held held;
  {
    RunHost host(held.h.io, held.store, held.run);
    const auto abort = host.abort("no longer needed", "ops");
    CHECK(abort.detail == "no longer needed (aborted by ops) (the run never started)");
    CHECK(abort.new_journal);
    const auto records = held.records();
    REQUIRE(records.size() == 2);
    CHECK(records[0].event == JournalEvent::kRunStarted);
    CHECK(records[0].detail == "book");
    CHECK(records[1].event == JournalEvent::kRunAborted);
  }
  const std::string damaged = held.store.create("book");
  std::ofstream(held.store.journal(damaged)) << "not a journal\n";
  RunHost host(held.h.io, held.store, damaged);
  const auto abort = host.abort("gone", "");
  CHECK_THAT(abort.detail, Catch::StartsWith("gone (its journal could not be read: ") &&
                               Catch::EndsWith("; kept as journal.damaged)"));
  CHECK(std::filesystem::exists(held.store.journal(damaged).string() + ".damaged"));
  CHECK(runbook::replay(runbook::read_journal(held.store.journal(damaged))).aborted);
}
