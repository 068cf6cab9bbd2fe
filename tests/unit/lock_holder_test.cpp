#include "greenlight/runbook/lock_holder.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fmt/format.h>
#include <thread>

using namespace greenlight::runbook;

TEST_CASE("lock holder: a process of its own is followed from its terminal and stopped there") {
  LockHolder holder;
  holder.pid = 4242;
  holder.known = true;
  holder.user = "alice";
  holder.terminal = "/dev/pts/7";
  const std::string advice = holder_advice("restart-1", holder);
  CHECK(advice ==
        "run restart-1 executes in process 4242 of alice on /dev/pts/7 (not in greenlight serve): "
        "it can be followed only from that terminal; greenlight runbook status restart-1 shows "
        "where it stands; to stop it, press Ctrl-C in that terminal (or kill -INT 4242)");

  holder.terminal.clear();
  CHECK_THAT(holder_advice("restart-1", holder),
             Catch::Contains("process 4242 of alice, without a terminal") &&
                 Catch::Contains("to stop it: kill -INT 4242") &&
                 !Catch::Contains("attach"));
}

TEST_CASE("lock holder: greenlight serve is followed with attach") {
  LockHolder holder;
  holder.pid = 77;
  holder.known = true;
  holder.serve = true;
  CHECK(holder_advice("restart-1", holder) ==
        "run restart-1 executes in greenlight serve (process 77): follow it with greenlight "
        "runbook attach restart-1, or stop it with greenlight runbook abort restart-1 --reason "
        "WHY");
}

TEST_CASE("lock holder: a holder not known gets both ways") {
  LockHolder holder;
  holder.pid = -1;
  const std::string advice = holder_advice("restart-1", holder);
  CHECK_THAT(advice, Catch::Contains("another process") &&
                         Catch::Contains("greenlight runbook attach restart-1") &&
                         Catch::Contains("Ctrl-C"));
}

TEST_CASE("lock holder: read from /proc: user, and serve by its command line") {
  const LockHolder self = lock_holder(::getpid());
  CHECK(self.known);
  CHECK_FALSE(self.serve);
  CHECK_FALSE(self.user.empty());
  CHECK(self.user != "?");

  // A process whose command line reads `... serve` is greenlight serve.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", "sleep 5; :", "greenlight", "serve", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  LockHolder serve;
  for (int i = 0; i < 100 && !serve.serve; ++i) {
    serve = lock_holder(child);
    if (!serve.serve) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(serve.serve);
  CHECK_THAT(holder_advice("r1", serve), Catch::Contains("greenlight runbook attach r1"));

  CHECK(lock_holder(0).pid == 0);
  CHECK_FALSE(lock_holder(-1).known);
}
