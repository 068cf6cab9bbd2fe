// SshRunner failure mapping without an SSH server: loopback sockets that
// refuse, never speak, or hang up, plus the pure classification helpers,
// the site endpoint mapping and the stoppable fan-out.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include "greenlight/core/fanout.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/core/ssh.h"

using namespace greenlight;

namespace {

Endpoint named(std::string node) {
  Endpoint endpoint;
  endpoint.node = std::move(node);
  return endpoint;
}

// A listening loopback socket on a free port; closed on destruction.
struct Listener {
  int fd = -1;
  int port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd); }
};

int free_port() {
  Listener l;
  return l.port;  // closed again: connecting to it is refused
}

RunResult run_one(const Endpoint& endpoint, SshOptions options, Command command) {
  asio::io_context io;
  SshRunner runner(io, std::move(options));
  RunResult got;
  runner.run(endpoint, command, [&](RunResult r) { got = std::move(r); });
  io.run();
  return got;
}

}  // namespace

TEST_CASE("libssh connection errors map to the operator's categories") {
  CHECK(classify_connect_error("Failed to connect: Connection refused") == RunStatus::kRefused);
  CHECK(classify_connect_error("Timeout connecting to 10.0.0.1") == RunStatus::kConnectTimeout);
  CHECK(classify_connect_error("Connection timed out") == RunStatus::kConnectTimeout);
  CHECK(classify_connect_error("Failed to connect: No route to host") == RunStatus::kUnreachable);
  CHECK(classify_connect_error("Failed to resolve hostname nosuch (Name or service not known)") ==
        RunStatus::kUnreachable);
  CHECK(classify_connect_error("Socket error: disconnected") == RunStatus::kUnreachable);
}

TEST_CASE("host key verdicts name the host, the file and what to do") {
  CHECK(describe_host_key(HostKeyState::kKnown, "n1", "/kh").empty());
  const auto changed = describe_host_key(HostKeyState::kChanged, "[127.0.0.2]:2222", "/kh");
  CHECK(changed.find("[127.0.0.2]:2222") == 0);
  CHECK(changed.find("CHANGED") != std::string::npos);
  CHECK(changed.find("/kh") != std::string::npos);
  const auto unknown = describe_host_key(HostKeyState::kUnknown, "n1", "/kh");
  CHECK(unknown.find("unknown host key") != std::string::npos);
  CHECK(unknown.find("accept-new") != std::string::npos);
  CHECK(describe_host_key(HostKeyState::kNoFile, "n1", "/none").find("/none does not exist") !=
        std::string::npos);
}

TEST_CASE("a refused port is kRefused, naming address and port") {
  const int port = free_port();
  SshOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  const auto r =
      run_one(Endpoint{"n1", "127.0.0.1", port, "root", false}, options, Command::shell("true"));
  CHECK(r.status == RunStatus::kRefused);
  CHECK(r.node == "n1");
  CHECK(r.reason.find(fmt::format("127.0.0.1 port {}", port)) != std::string::npos);
  CHECK(r.unreachable());
}

TEST_CASE("a host that accepts but never speaks SSH is a connect timeout") {
  Listener silent;
  SshOptions options;
  options.connect_timeout = std::chrono::milliseconds(300);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_one(Endpoint{"n1", "127.0.0.1", silent.port, "root", false}, options,
                         Command::shell("true"));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(r.status == RunStatus::kConnectTimeout);
  CHECK(r.reason.find("cannot connect") == 0);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("a host that hangs up at once is unreachable") {
  Listener rude;
  std::thread closer([&] {
    int client = ::accept(rude.fd, nullptr, nullptr);
    if (client >= 0) ::close(client);
  });
  SshOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  const auto r = run_one(Endpoint{"n1", "127.0.0.1", rude.port, "root", false}, options,
                         Command::shell("true"));
  closer.join();
  CHECK(r.status == RunStatus::kUnreachable);
  CHECK_FALSE(r.reason.empty());
}

TEST_CASE("site endpoints: address, port and user from the configuration, self runs locally") {
  config::Site site;
  site.ssh.user = "admin";
  site.ssh.port = 2200;
  site.hosts.push_back(config::Host{"top1", "10.1.0.1", 0, "", "", true, {}});
  site.hosts.push_back(config::Host{"top2", "10.1.0.2", 2222, "ops", "", false, {}});
  const auto top1 = site_endpoint(&site, "top1");
  CHECK(top1.local);
  const auto self = site_endpoint(&site, "self");
  CHECK(self.local);
  CHECK(self.node == "top1");
  const auto top2 = site_endpoint(&site, "top2");
  CHECK_FALSE(top2.local);
  CHECK(top2.address == "10.1.0.2");
  CHECK(top2.port == 2222);
  CHECK(top2.user == "ops");
  const auto other = site_endpoint(&site, "worker9");
  CHECK(other.address == "worker9");
  CHECK(other.port == 2200);
  CHECK(other.user == "admin");
  CHECK_FALSE(other.local);
  const auto bare = site_endpoint(nullptr, "127.0.0.5");
  CHECK(bare.address == "127.0.0.5");
}

TEST_CASE("a stopped fan-out starts nothing more and says who did not run") {
  asio::io_context io;
  FakeRunner fake(io);
  std::vector<Endpoint> endpoints;
  for (int i = 1; i <= 10; ++i) endpoints.push_back(named(fmt::format("n{}", i)));
  std::vector<std::string> seen;
  std::vector<RunResult> final;
  std::shared_ptr<FanOut> run;
  run = FanOut::start(
      fake, endpoints, Command::shell("true"), 2,
      [&](const RunResult& r) {
        seen.push_back(r.node);
        if (seen.size() == 3) run->stop();
      },
      [&](std::vector<RunResult> results) { final = std::move(results); });
  io.run();
  REQUIRE(final.size() == 10);
  CHECK(seen.size() == 4);  // the two in flight when the third answered, stop, then the fourth
  CHECK(final[0].ok());
  CHECK(final[9].status == RunStatus::kCannotStart);
  CHECK(final[9].reason == "not started: stopped");
  CHECK(fake.recorded().size() == 4);
}

TEST_CASE("a fan-out reports every node once, in order at the end") {
  asio::io_context io;
  FakeRunner fake(io);
  RunResult failing;
  failing.status = RunStatus::kExit;
  failing.exit_code = 3;
  fake.answer({"n2", "", failing});
  std::vector<Endpoint> endpoints{named("n1"), named("n2"), named("n3")};
  std::size_t each = 0;
  std::vector<RunResult> final;
  FanOut::start(
      fake, endpoints, Command::shell("x"), 64, [&](const RunResult&) { ++each; },
      [&](std::vector<RunResult> results) { final = std::move(results); });
  io.run();
  CHECK(each == 3);
  REQUIRE(final.size() == 3);
  CHECK(final[1].status == RunStatus::kExit);
  CHECK(final[2].node == "n3");
}

// One step worker and one reading worker towards a host that never speaks
// SSH: every command takes the connect timeout (600 ms), so when each one
// ends tells when it got a thread.
struct SlotRace {
  Listener silent;
  asio::io_context io;
  std::unique_ptr<SshRunner> runner;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::chrono::milliseconds>> ended;  ///< in order

  SlotRace() {
    SshOptions options;
    options.workers = 1;
    options.reading_workers = 1;
    options.connect_timeout = std::chrono::milliseconds(600);
    runner = std::make_unique<SshRunner>(io, options);
  }
  void run(const std::string& name, bool reading) {
    Command command = Command::shell(name);
    command.reading = reading;
    runner->run(Endpoint{"n1", "127.0.0.1", silent.port, "root", false}, command,
                [this, name](RunResult r) {
                  CHECK(r.status == RunStatus::kConnectTimeout);
                  ended.emplace_back(name, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - started));
                });
  }
  std::chrono::milliseconds end_of(const std::string& name) const {
    for (const auto& [what, when] : ended)
      if (what == name) return when;
    FAIL("no result for " << name);
    return {};
  }
};

TEST_CASE(
    "a check's command never waits behind steps' commands: readings have workers of their own") {
  // The step worker is busy with two step commands; a check's command
  // queued after them starts at once on the reading worker.
  SlotRace race;
  race.run("step 1", false);
  race.run("step 2", false);
  race.run("check", true);
  race.io.run();
  REQUIRE(race.ended.size() == 3);
  // The check ends with the first step, not after the second; steps still
  // run one at a time (their capacity is `workers`).
  CHECK(race.end_of("check") < std::chrono::milliseconds(1100));
  CHECK(race.end_of("step 1") < std::chrono::milliseconds(1100));
  CHECK(race.ended[2].first == "step 2");
  CHECK(race.end_of("step 2") >= std::chrono::milliseconds(1150));
}

TEST_CASE("checks' commands do not hold the threads a queued step command waits for") {
  // Two readings start (one on the reading worker, one borrowing the idle
  // step worker); a step command queued then takes the first thread to free
  // up, before the third reading would borrow it again.
  SlotRace race;
  for (const char* name : {"check 1", "check 2", "check 3"}) race.run(name, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both readings started
  race.run("step", false);
  race.io.run();
  REQUIRE(race.ended.size() == 4);
  CHECK(race.end_of("check 1") < std::chrono::milliseconds(1100));
  CHECK(race.end_of("check 2") < std::chrono::milliseconds(1100));
  // The step starts when the first thread frees up (about 600 ms), not
  // after the third reading.
  CHECK(race.end_of("step") < std::chrono::milliseconds(1500));
  CHECK(race.end_of("check 3") < std::chrono::milliseconds(1500));
}
