#include "greenlight/core/runner.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>

#include "greenlight/core/fanout.h"

using namespace greenlight;

namespace {

std::vector<Endpoint> nodes(int count) {
  std::vector<Endpoint> endpoints;
  for (int i = 1; i <= count; ++i)
    endpoints.push_back(Endpoint{"node" + std::to_string(i), "", 22, "", true});
  return endpoints;
}

// Counts how many commands are in flight at once.
class CountingRunner : public CommandRunner {
 public:
  explicit CountingRunner(asio::io_context& io) : inner_(io) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override {
    peak = std::max(peak, ++in_flight);
    inner_.run(endpoint, command, [this, done = std::move(done)](RunResult result) {
      --in_flight;
      done(std::move(result));
    });
  }
  int in_flight = 0;
  int peak = 0;

 private:
  LocalRunner inner_;
};

}  // namespace

TEST_CASE("the local runner reports exit codes, output and reasons") {
  asio::io_context io;
  LocalRunner runner(io);
  std::vector<RunResult> results;
  auto keep = [&](RunResult r) { results.push_back(std::move(r)); };
  runner.run(Endpoint{"top1", "", 22, "", true}, Command::program({"echo", "hello world"}), keep);
  runner.run(Endpoint{"top1", "", 22, "", true}, Command::shell("echo $((40 + 2)); exit 3"), keep);
  Command slow = Command::program({"sleep", "5"});
  slow.timeout = std::chrono::milliseconds(200);
  runner.run(Endpoint{"top1", "", 22, "", true}, slow, keep);
  io.run();
  REQUIRE(results.size() == 3);
  std::sort(results.begin(), results.end(),
            [](const RunResult& a, const RunResult& b) { return a.command < b.command; });
  CHECK(results[0].command == "echo $((40 + 2)); exit 3");
  CHECK(results[0].status == RunStatus::kExit);
  CHECK(results[0].exit_code == 3);
  CHECK(results[0].out == "42\n");
  CHECK(results[1].command == "echo 'hello world'");
  CHECK(results[1].ok());
  CHECK(results[2].status == RunStatus::kTimeout);
  CHECK(results[2].unreachable());
  CHECK_THAT(results[2].reason, Catch::StartsWith("timed out"));
}

TEST_CASE("fan-out keeps at most FANOUT commands in flight and keeps the nodes' order") {
  asio::io_context io;
  CountingRunner runner(io);
  std::vector<RunResult> results;
  FanOut::start(runner, nodes(12), Command::shell("sleep 0.1; echo done"), 4, nullptr,
                [&](std::vector<RunResult> r) { results = std::move(r); });
  io.run();
  REQUIRE(results.size() == 12);
  CHECK(runner.peak == 4);
  CHECK(results[0].node == "node1");
  CHECK(results[11].node == "node12");
  CHECK(std::all_of(results.begin(), results.end(),
                    [](const RunResult& r) { return r.ok() && r.out == "done\n"; }));
}

TEST_CASE("identical outputs gather under one folded node set, as clush -b") {
  asio::io_context io;
  FakeRunner runner(io);
  RunResult down;
  down.status = RunStatus::kRefused;
  down.reason = "connection refused";
  runner.answer({"node3", "", down});
  RunResult other;
  other.status = RunStatus::kOk;
  other.exit_code = 0;
  other.out = "mounted\n";
  runner.answer({"node5", "mount", other});
  std::vector<RunResult> results;
  FanOut::start(runner, nodes(6), Command::program({"mount"}), 64, nullptr,
                [&](std::vector<RunResult> r) { results = std::move(r); });
  io.run();
  const auto gathered = gather_identical(results);
  REQUIRE(gathered.size() == 3);
  CHECK(gathered[0].nodes == "node[1-2,4,6]");
  CHECK(gathered[1].nodes == "node3");
  CHECK(gathered[1].status == RunStatus::kRefused);
  CHECK(gathered[2].nodes == "node5");
  CHECK(gathered[2].out == "mounted\n");
  CHECK(runner.recorded().size() == 6);
}

TEST_CASE("a dry run records and touches nothing") {
  asio::io_context io;
  DryRunRunner runner(io);
  std::vector<RunResult> results;
  FanOut::start(runner, nodes(3), Command::shell("poweroff"), 64, nullptr,
                [&](std::vector<RunResult> r) { results = std::move(r); });
  io.run();
  CHECK(runner.recorded() ==
        std::vector<std::string>{"node1: poweroff", "node2: poweroff", "node3: poweroff"});
  CHECK(std::all_of(results.begin(), results.end(), [](const RunResult& r) { return r.ok(); }));
}

TEST_CASE("an interrupted local runner ends its commands and their groups as interrupted") {
  asio::io_context io;
  LocalRunner runner(io);
  std::vector<RunResult> results;
  // One ignores SIGTERM: SIGKILL follows after the grace.
  // One leaves a descendant outside its group holding its output: cut off
  // once the group is gone, not waited for to its end.
  char left[] = "/tmp/greenlight-runner-left.XXXXXX";
  REQUIRE(::mkdtemp(left) != nullptr);
  const std::string pid_file = std::string(left) + "/pid";
  const std::string held =
      "setsid sh -c 'echo $$ > " + pid_file + "; exec sleep 30' & echo started; wait";
  for (const std::string& line :
       {std::string("sleep 30"), std::string("trap '' TERM; sleep 30 & wait"), held}) {
    runner.run(Endpoint{"n1", "", 22, "", true}, Command::shell(line),
               [&](RunResult r) { results.push_back(std::move(r)); });
  }
  asio::steady_timer later(io, std::chrono::milliseconds(200));
  later.async_wait([&](const boost::system::error_code&) { runner.interrupt(); });
  const auto started = std::chrono::steady_clock::now();
  io.run();
  const auto took = std::chrono::steady_clock::now() - started;
  // The descendant outside the group is this test's to end.
  if (std::FILE* f = std::fopen(pid_file.c_str(), "r")) {
    int pid = 0;
    if (std::fscanf(f, "%d", &pid) == 1 && pid > 0) ::kill(pid, SIGKILL);
    std::fclose(f);
  }
  std::remove(pid_file.c_str());
  ::rmdir(left);
  REQUIRE(results.size() == 3);
  for (const auto& r : results) {
    CHECK(r.status == RunStatus::kInterrupted);
    CHECK(r.reason == "interrupted");
    CHECK_FALSE(r.unreachable());
  }
  CHECK(took < std::chrono::seconds(5));

  // Later commands never start.
  io.restart();
  RunResult after;
  runner.run(Endpoint{"n1", "", 22, "", true}, Command::shell("touch /nonexistent-dir/x"),
             [&](RunResult r) { after = std::move(r); });
  io.run();
  CHECK(after.status == RunStatus::kCannotStart);
  CHECK(after.reason == "not started: interrupted");
  CHECK(std::string(to_string(RunStatus::kInterrupted)) == "interrupted");
  CHECK(std::string(to_string(RunStatus::kConnectTimeout)) == "connect timeout");
}
