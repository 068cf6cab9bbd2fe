#include "greenlight/checks/scheduler.h"

#include <catch2/catch.hpp>

#include "greenlight/checks/check_kind.h"
#include <cstdio>
#include <filesystem>
#include <functional>

using namespace greenlight;
using namespace std::chrono_literals;

namespace {

struct Harness {
  config::Diagnostics diagnostics;
  config::Site site;
  asio::io_context io;
  LocalRunner runner{io};
  std::vector<std::string> reports;
  checks::Scheduler scheduler{
      io, [this](const std::string& name, const checks::CheckResult&) { reports.push_back(name); }};

  explicit Harness(const std::string& checks) {
    site = checks::read_site(config::load_yaml_text("hosts: {me: {self: true}}\nchecks:\n" + checks,
                                                    "site.yaml", diagnostics),
                             "site.yaml", diagnostics);
    auto groups = site.group_resolver();
    for (const auto& spec : site.checks) {
      checks::Scheduler::Entry entry;
      entry.check = checks::make_check(spec, site, *groups, diagnostics);
      entry.endpoint = Endpoint{"me", "", 22, "", true};
      entry.runner = &runner;
      entry.interval = spec.interval;
      entry.timeout = spec.timeout;
      entry.jitter = spec.jitter;
      scheduler.add(std::move(entry));
    }
  }

  void run_for(std::chrono::milliseconds duration) {
    asio::steady_timer stop(io, duration);
    stop.async_wait([this](auto) { scheduler.stop(); });
    scheduler.start();
    io.run();
  }
};

}  // namespace

TEST_CASE("checks run at their interval") {
  Harness h("  fast: {kind: command, interval: 100ms, command: ['true']}\n");
  h.run_for(550ms);
  CHECK(h.scheduler.runs("fast") >= 3);
  CHECK(h.scheduler.runs("fast") <= 6);
  REQUIRE(h.scheduler.latest("fast") != nullptr);
  CHECK(h.scheduler.latest("fast")->status == checks::Status::ok);
}

TEST_CASE("a hung check is cut at its timeout and never delays another") {
  Harness h(
      "  hung: {kind: command, interval: 10s, timeout: 300ms, command: [sleep, '30']}\n"
      "  fast: {kind: command, interval: 50ms, command: ['true']}\n");
  h.run_for(1000ms);
  CHECK(h.scheduler.runs("fast") >= 8);
  CHECK(h.scheduler.runs("hung") == 1);
  REQUIRE(h.scheduler.latest("hung") != nullptr);
  CHECK(h.scheduler.latest("hung")->status == checks::Status::unknown);
  CHECK_THAT(h.scheduler.latest("hung")->message, Catch::Contains("timed out"));
}

TEST_CASE("never two runs of one check at once, and run_now is honoured after the current run") {
  Harness h("  slow: {kind: command, interval: 10ms, command: [sleep, '0.2']}\n");
  asio::steady_timer poke(h.io, 50ms);
  poke.async_wait([&](auto) { CHECK(h.scheduler.run_now("slow")); });
  h.run_for(700ms);
  // 0.2 s per run at most, back to back: 3 or 4 runs in 0.7 s, never more.
  CHECK(h.scheduler.runs("slow") >= 2);
  CHECK(h.scheduler.runs("slow") <= 4);
  CHECK_FALSE(h.scheduler.run_now("nosuch"));
}

TEST_CASE("a faster pace while a gate waits") {
  Harness h("  gated: {kind: command, interval: 10s, command: ['true']}\n");
  CHECK(h.scheduler.set_pace("gated", 50ms));
  h.run_for(400ms);
  CHECK(h.scheduler.runs("gated") >= 4);
}

TEST_CASE(
    "a gate's pace gives way to a check's own gate_interval (heal info's wait_interval)") {
  Harness h(
      "  heal: {kind: gluster_heal, volumes: [v1], interval: 10s, wait_interval: 300ms,"
      " command: ['true']}\n"
      "  other: {kind: command, interval: 10s, command: ['true']}\n");
  REQUIRE(h.diagnostics.ok());
  CHECK(h.scheduler.set_pace("heal", 50ms));
  CHECK(h.scheduler.set_pace("other", 50ms));
  h.run_for(750ms);
  CHECK(h.scheduler.runs("heal") >= 2);
  CHECK(h.scheduler.runs("heal") <= 3);
  CHECK(h.scheduler.runs("other") >= 6);
}

TEST_CASE("green_since is the first green result of the current run taken since a given instant") {
  // The command is green until the flag file appears, red while it exists.
  char pattern[] = "/tmp/greenlight-scheduler-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string flag = dir + "/red";
  Harness h("  flip: {kind: command, interval: 50ms, command: [sh, -c, 'test ! -e " + flag +
            "']}\n");
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::optional<std::chrono::steady_clock::time_point>> seen, late;
  asio::steady_timer step(h.io);
  std::function<void(int)> at = [&](int i) {
    step.expires_after(250ms);
    step.async_wait([&, i](auto) {
      seen.push_back(h.scheduler.green_since("flip", begin));
      // Counting only from 200 ms ago: a later result than the run's first.
      late.push_back(h.scheduler.green_since("flip", std::chrono::steady_clock::now() - 200ms));
      if (i == 1) std::fclose(std::fopen(flag.c_str(), "w"));  // red from here
      if (i == 2) std::remove(flag.c_str());                   // green again
      if (i < 4) at(i + 1);
    });
  };
  at(0);
  h.run_for(1400ms);
  std::filesystem::remove_all(dir);
  REQUIRE(seen.size() == 5);
  REQUIRE(seen[0].has_value());
  CHECK(seen[1] == seen[0]);  // still the same run of green results
  REQUIRE(late[1].has_value());
  CHECK(*late[1] > *seen[1]);  // the first result taken since the later instant
  CHECK_FALSE(seen[2].has_value());  // red
  REQUIRE(seen[3].has_value());
  CHECK(*seen[3] > *seen[0]);  // a new run began after the red one
  CHECK(seen[4] == seen[3]);
  CHECK_FALSE(h.scheduler.green_since("flip", begin).has_value());  // stopped
}
