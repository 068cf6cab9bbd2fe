// The runs greenlight serve executes, driven through fake connections: a
// question stays open for whoever attaches, answers are checked against it,
// a client going away leaves the run going, bad requests get an error, and
// the run is published to the exporter.
#include <catch2/catch.hpp>

#include "greenlight/control/daemon_runs.h"
#include "greenlight/control/published_run.h"
#include "greenlight/core/log.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_store.h"
#include "support/executor_harness.h"

using namespace greenlight;
using control::Event;
using control::Request;
using testing::ExecutorHarness;

namespace {

class FakeConnection : public control::Connection {
 public:
  const control::Peer& peer() const override { return peer_; }
  void start(std::function<void(const std::string&)> on_line,
             std::function<void()> on_closed) override {
    on_line_ = std::move(on_line);
    on_closed_ = std::move(on_closed);
  }
  void send(const Event& event) override {
    if (!closed_) events.push_back(event);
  }
  void close() override { closed_ = true; }
  bool closed() const override { return closed_; }

  void say(const Request& request) {
    std::string line = control::encode(request);
    line.pop_back();
    on_line_(line);
  }
  void say(const std::string& line) { on_line_(line); }
  void hang_up() {
    closed_ = true;
    if (auto done = std::move(on_closed_)) done();
  }
  const Event* last(Event::Kind kind) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->kind == kind) return &*it;
    }
    return nullptr;
  }
  std::vector<Event> events;

 private:
  control::Peer peer_;
  bool closed_ = false;
  std::function<void(const std::string&)> on_line_;
  std::function<void()> on_closed_;
};

const char* kFailing = R"(      phases:
        - name: one
          steps:
            - run: {on: n2, command: "fail-me"}
            - run: {on: n2, command: "echo after"}
)";

struct Daemon {
  ExecutorHarness h{kFailing};
  std::vector<std::string> log;  ///< serve's log lines about requests
  /// serve's log lines about runs, with their levels
  std::vector<std::pair<greenlight::log::Level, std::string>> transitions;
  greenlight::log::Capture capture{[this](greenlight::log::Level level, const std::string& line) {
    if (line.rfind("control: ", 0) == 0) log.push_back(line);
    if (line.rfind("run ", 0) == 0) transitions.emplace_back(level, line);
  }};
  control::DaemonRuns runs{h.io,
                           [this] {
                             control::RunPlace place;
                             place.site = &h.site;
                             place.books = &h.books;
                             place.groups = h.groups.get();
                             place.runner = &h.runner;
                             place.results = &h.results;
                             place.endpoint_for = [](const std::string& node) {
                               Endpoint endpoint;
                               endpoint.node = node;
                               return endpoint;
                             };
                             place.runs = h.dir.path / "runs";
                             return place;
                           }};

  std::shared_ptr<FakeConnection> connect() {
    auto connection = std::make_shared<FakeConnection>();
    runs.serve(connection);
    return connection;
  }
  template <typename Done>
  bool run_until(Done done) {
    return h.run_until(std::move(done));
  }
};

Request exec_of(const std::string& runbook) {
  Request request;
  request.kind = Request::Kind::kExec;
  request.runbook = runbook;
  request.yes = true;
  return request;
}

Request answer_to(const std::string& run, std::uint64_t question) {
  Request request;
  request.kind = Request::Kind::kAnswer;
  request.run = run;
  request.question = question;
  return request;
}

}  // namespace

TEST_CASE("a pause waits for whoever attaches, answers must fit the question") {
  Daemon d;
  d.h.runner.failing_commands["fail-me"] = {3, "boom"};
  auto first = d.connect();
  first->say(exec_of("book"));
  REQUIRE(first->last(Event::Kind::kAccepted) != nullptr);
  const std::string run = first->last(Event::Kind::kAccepted)->run;
  CHECK(run.rfind("book-", 0) == 0);
  REQUIRE(d.run_until([&] { return first->last(Event::Kind::kQuestion) != nullptr; }));
  const auto question = first->last(Event::Kind::kQuestion)->question;
  CHECK(question.kind == control::Question::Kind::kDecide);
  CHECK(question.pause.failed_nodes == "n2");
  CHECK(d.runs.active() == std::vector<std::string>{run});

  // The terminal goes away: the run and its question stay.
  first->hang_up();
  auto second = d.connect();
  Request attach;
  attach.run = run;
  second->say(attach);
  REQUIRE(second->last(Event::Kind::kQuestion) != nullptr);
  CHECK(second->last(Event::Kind::kQuestion)->question.id == question.id);
  CHECK(second->last(Event::Kind::kReport) != nullptr);

  auto wrong = answer_to(run, question.id + 1);
  wrong.yes = true;
  second->say(wrong);
  CHECK(second->last(Event::Kind::kError)->message.find("is not open") != std::string::npos);
  CHECK(second->last(Event::Kind::kError)->code == "answer-refused");
  // A refused answer leaves the question open: it is put to the terminal again.
  const auto asked = second->events.size();
  auto yes = answer_to(run, question.id);
  yes.yes = true;
  second->say(yes);
  CHECK(second->last(Event::Kind::kError)->message.rfind("the run is paused: answer one of", 0) ==
        0);
  CHECK(second->events.back().kind == Event::Kind::kQuestion);
  CHECK(second->events.size() > asked);
  auto skip = answer_to(run, question.id);
  skip.decision = runbook::Decision::Kind::kSkip;
  second->say(skip);
  CHECK(second->last(Event::Kind::kError)->message == "a reason is needed to skip");
  skip.reason = "checked by hand";
  const auto errors = second->events.size();
  second->say(skip);
  CHECK(second->last(Event::Kind::kAnswered) != nullptr);
  REQUIRE(d.run_until([&] { return second->last(Event::Kind::kEnded) != nullptr; }));
  CHECK(second->last(Event::Kind::kEnded)->outcome == "done");
  for (std::size_t i = errors; i < second->events.size(); ++i)
    CHECK(second->events[i].kind != Event::Kind::kError);
  CHECK(d.h.runner.count("echo after") == 1);
  CHECK(d.runs.active().empty());
  CHECK(d.run_until([&] {  // the publication comes on the io_context
    const auto runs = d.runs.collect()->runs;
    return !runs.empty() && runs[0].state == "done";
  }));
  const auto collected = d.runs.collect();
  CHECK(collected->run_states == control::run_state_words());
  const auto& published = collected->runs;
  REQUIRE(published.size() == 1);
  CHECK(published[0].id == run);
  CHECK(published[0].state == "done");
}

TEST_CASE("bad requests and unknown runs get an error, the connection stays") {
  Daemon d;
  auto client = d.connect();
  client->say("{not json");
  REQUIRE(client->last(Event::Kind::kError) != nullptr);
  CHECK(client->last(Event::Kind::kError)->message.rfind("bad request: not JSON: ", 0) == 0);
  Request exec;
  exec.kind = Request::Kind::kExec;
  exec.runbook = "nope";
  client->say(exec);
  CHECK(client->last(Event::Kind::kError)->message ==
        "no runbook named 'nope' (see greenlight runbook list)");
  Request attach;
  attach.run = "book-20260101-000000";
  client->say(attach);
  CHECK(client->last(Event::Kind::kError)->code == "not-held");
  Request resume;
  resume.kind = Request::Kind::kResume;
  resume.run = "../etc";
  client->say(resume);
  CHECK(client->last(Event::Kind::kError)->message.rfind("no run '../etc'", 0) == 0);
  CHECK_FALSE(client->closed());
}

TEST_CASE("every request is logged once, accepted or refused, with who asked") {
  Daemon d;
  auto client = d.connect();
  client->say(exec_of("book"));
  INFO((client->last(Event::Kind::kError) ? client->last(Event::Kind::kError)->message : ""));
  REQUIRE(client->last(Event::Kind::kAccepted) != nullptr);
  const std::string run = client->last(Event::Kind::kAccepted)->run;
  REQUIRE(d.log.size() == 1);
  CHECK_THAT(d.log[0], Catch::StartsWith("control: exec book from uid 0 (root) pid ") &&
                           Catch::EndsWith(": accepted, run " + run));
  client->say(exec_of("nosuch"));
  REQUIRE(d.log.size() == 2);
  CHECK_THAT(d.log[1], Catch::StartsWith("control: exec nosuch from uid 0 (root)") &&
                           Catch::Contains(": refused: ") && Catch::Contains("nosuch"));
  client->say(std::string("{not json"));
  REQUIRE(d.log.size() == 3);
  CHECK_THAT(d.log[2], Catch::StartsWith("control: a malformed request from uid 0") &&
                           Catch::Contains("refused: bad request"));
  Request attach;
  attach.run = run;
  client->say(attach);
  REQUIRE(d.log.size() == 4);
  CHECK_THAT(d.log[3], Catch::StartsWith("control: attach run " + run + " from uid 0") &&
                           Catch::EndsWith(": accepted"));
}

TEST_CASE("every transition of a run is logged once, from its journal, with its level") {
  Daemon d;
  const auto& lines = d.transitions;
  d.h.runner.failing_commands["fail-me"] = {3, "boom"};
  auto client = d.connect();
  client->say(exec_of("book"));
  REQUIRE(client->last(Event::Kind::kAccepted) != nullptr);
  const std::string run = client->last(Event::Kind::kAccepted)->run;
  REQUIRE(d.run_until([&] { return client->last(Event::Kind::kQuestion) != nullptr; }));
  Request abort;
  abort.kind = Request::Kind::kAbort;
  abort.run = run;
  abort.reason = "test over";
  client->say(abort);
  REQUIRE(d.run_until([&] { return client->last(Event::Kind::kEnded) != nullptr; }));
  const auto journal = runbook::read_journal(runbook::RunStore(d.h.dir.path / "runs").journal(run));
  std::size_t logged = 0;
  for (const auto& record : journal) {
    const std::string event = runbook::to_string(record.event);
    if (event == "step-process" || event == "step-remote") continue;  // debug only
    std::size_t times = 0;
    for (const auto& [level, line] : lines) {
      if (line.rfind("run " + run + ": " + event, 0) == 0) ++times;
    }
    INFO(event);
    CHECK(times == 1);
    ++logged;
  }
  CHECK(lines.size() == logged);
  auto level_of = [&](const std::string& event) {
    for (const auto& [level, line] : lines) {
      if (line.rfind("run " + run + ": " + event, 0) == 0) return level;
    }
    return greenlight::log::Level::kDebug;
  };
  CHECK(level_of("run-started") == greenlight::log::Level::kInfo);
  CHECK(level_of("step-failed") == greenlight::log::Level::kWarning);
  CHECK(level_of("run-aborted") == greenlight::log::Level::kWarning);
}

TEST_CASE("two terminals answer at once: the first answer is taken, the other is told by whom") {
  Daemon d;
  d.h.runner.failing_commands["fail-me"] = {3, "boom"};
  auto first = d.connect();
  first->say(exec_of("book"));
  REQUIRE(first->last(Event::Kind::kAccepted) != nullptr);
  const std::string run = first->last(Event::Kind::kAccepted)->run;
  REQUIRE(d.run_until([&] { return first->last(Event::Kind::kQuestion) != nullptr; }));
  const auto question = first->last(Event::Kind::kQuestion)->question;
  auto second = d.connect();
  Request attach;
  attach.run = run;
  second->say(attach);
  REQUIRE(second->last(Event::Kind::kQuestion) != nullptr);

  auto abort = answer_to(run, question.id);
  abort.decision = runbook::Decision::Kind::kAbort;
  abort.reason = "the first operator stops it";
  first->say(abort);
  auto retry = answer_to(run, question.id);
  retry.decision = runbook::Decision::Kind::kRetry;
  second->say(retry);
  const Event* refused = second->last(Event::Kind::kError);
  REQUIRE(refused != nullptr);
  CHECK(refused->code == "answer-refused");
  CHECK_THAT(refused->message, Catch::Contains("is not open: question " +
                                               std::to_string(question.id) + " was answered by") &&
                                   Catch::EndsWith(": abort"));
  // Both terminals still follow the run to its end, and saw who answered.
  REQUIRE(d.run_until([&] { return second->last(Event::Kind::kEnded) != nullptr; }));
  CHECK(second->last(Event::Kind::kAnswered) != nullptr);
  CHECK(first->last(Event::Kind::kEnded) != nullptr);
  CHECK(second->last(Event::Kind::kEnded)->outcome == "aborted");
  bool told = false;
  for (const auto& event : first->events)
    told = told || (event.kind == Event::Kind::kReport &&
                    event.line.find("answer 'retry' of") != std::string::npos &&
                    event.line.find("not taken") != std::string::npos);
  CHECK(told);
  CHECK(d.h.runner.count("fail-me") == 1);
}
