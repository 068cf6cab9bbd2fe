// Process groups seen from outside: a mark recorded now tells later whether
// the group still runs, and is not fooled by another boot or another start
// time (a process id given again); ending groups sends TERM, then KILL.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "greenlight/core/asio.h"
#include "greenlight/core/process.h"

using namespace greenlight;
using namespace std::chrono_literals;

namespace {

// A process group led by a shell that runs `script`, started as a step's
// command is; returns its pid (= its group's id).
struct Group {
  asio::io_context io;
  int pid = 0;
  explicit Group(const std::string& script) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.timeout = 60s;
    spec.started = [this](int started) { pid = started; };
    start_process(io, spec, [](ProcessResult) {});
  }
};

}  // namespace

TEST_CASE("a marked group is seen running until it ends, another boot or start time is not it") {
  Group group("sleep 30");
  REQUIRE(group.pid > 1);
  const ProcessGroupMark mark = mark_process_group(group.pid);
  CHECK(mark.pgid == group.pid);
  CHECK(mark.boot_id == current_boot_id());
  CHECK(mark.start_ticks > 0);
  CHECK(process_group_alive(mark) == group.pid);

  ProcessGroupMark other_boot = mark;
  other_boot.boot_id = "another-boot";
  CHECK_FALSE(process_group_alive(other_boot));
  ProcessGroupMark reused = mark;
  reused.start_ticks = mark.start_ticks + 1;
  CHECK_FALSE(process_group_alive(reused));
  // A mark whose id now belongs to another group is not signalled.
  CHECK(end_process_groups({reused}, 100ms).empty());
  CHECK(process_group_alive(mark) == group.pid);

  const auto ended = end_process_groups({mark}, 2s);
  REQUIRE(ended.count(group.pid) == 1);
  CHECK(ended.at(group.pid) == SIGTERM);
  // The leader is a zombie until reaped: it no longer runs.
  CHECK_FALSE(process_group_alive(mark));
  CHECK(end_process_groups({mark}, 100ms).empty());
  group.io.run();
}

TEST_CASE("a group that ignores SIGTERM gets SIGKILL after the grace") {
  Group group("trap '' TERM; sleep 30 & wait; sleep 30");
  REQUIRE(group.pid > 1);
  // Let the shell set its trap before the signal comes.
  std::this_thread::sleep_for(300ms);
  const auto start = std::chrono::steady_clock::now();
  const auto ended = end_process_groups({mark_process_group(group.pid)}, 300ms);
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);
  REQUIRE(ended.count(group.pid) == 1);
  CHECK(ended.at(group.pid) == SIGKILL);
  CHECK_FALSE(process_group_alive(mark_process_group(group.pid)));
  group.io.run();
}
