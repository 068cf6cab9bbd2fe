// A poweroff step allows exit 255 (ssh's "connection closed"): that counts
// as a success only when the connection closed after the command was sent.
// A refused connection, failed authentication or refused host key never ran
// the command, so the step fails there.
#include <catch2/catch.hpp>

#include "support/executor_harness.h"

using namespace greenlight;
using namespace greenlight::testing;
using runbook::Decision;
using runbook::RunOutcome;

namespace {
const char* const kPoweroff = R"(      phases:
        - name: only
          steps:
            - run: {on: "n[1-4]", command: poweroff, allowed_exit_codes: [0, 255]}
)";
}  // namespace

TEST_CASE("poweroff: a connection closed after the command counts, as exit 255 allows") {
  ExecutorHarness h(kPoweroff);
  h.runner.endings["n1"] = {RunStatus::kClosed};
  h.runner.endings["n2"] = {RunStatus::kClosed};
  h.runner.exits["n3"] = {255};
  CHECK(h.run() == RunOutcome::kFinished);
  CHECK(h.person.pauses.empty());
}

TEST_CASE("poweroff: refused, authentication and host key failures are failures, 255 or not") {
  ExecutorHarness h(kPoweroff);
  h.runner.endings["n1"] = {RunStatus::kClosed};
  h.runner.endings["n2"] = {RunStatus::kRefused};
  h.runner.endings["n3"] = {RunStatus::kAuth};
  h.runner.endings["n4"] = {RunStatus::kHostKey};
  h.person.decisions.push_back({Decision::Kind::kAbort, "hosts not powered off"});
  CHECK(h.run() == RunOutcome::kAborted);
  REQUIRE(h.person.pauses.size() == 1);
  CHECK(h.person.pauses[0].failed_nodes == "n[2-4]");
  CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("connection refused"));
  CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("authentication failed"));
  CHECK_THAT(h.person.pauses[0].explanation, Catch::Contains("host key refused"));
}

TEST_CASE("poweroff: an unreachable host or a timeout proves nothing ran") {
  ExecutorHarness h(kPoweroff);
  h.runner.endings["n1"] = {RunStatus::kUnreachable};
  h.runner.endings["n2"] = {RunStatus::kTimeout};
  h.person.decisions.push_back({Decision::Kind::kAbort, "check the hosts"});
  CHECK(h.run() == RunOutcome::kAborted);
  REQUIRE(h.person.pauses.size() == 1);
  CHECK(h.person.pauses[0].failed_nodes == "n[1-2]");
}

TEST_CASE("without 255 allowed, a closed connection is a failure") {
  ExecutorHarness h(R"(      phases:
        - name: only
          steps:
            - run: {on: n1, command: reboot}
)");
  h.runner.endings["n1"] = {RunStatus::kClosed};
  h.person.decisions.push_back({Decision::Kind::kAbort, "no"});
  CHECK(h.run() == RunOutcome::kAborted);
}
