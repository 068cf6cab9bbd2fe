// An operator's reason: what it may hold, and which decisions need one.
#include "greenlight/runbook/reason.h"

#include <catch2/catch.hpp>

using greenlight::runbook::Decision;
using greenlight::runbook::decision_reason_problem;
using greenlight::runbook::reason_problem;

TEST_CASE("a reason is one line of UTF-8 text of at most 1000 bytes, and empty is fit") {
  CHECK_FALSE(reason_problem(""));
  CHECK_FALSE(reason_problem("checked by hand on n2"));
  CHECK(reason_problem(std::string(1001, 'a')) == "a reason is at most 1000 bytes (1001 given)");
  CHECK(reason_problem("two\nlines") ==
        "a reason is one line of text: control character 0x0a at byte 4");
  CHECK(reason_problem("\xff") == "a reason is UTF-8 text");
}

TEST_CASE("a skip and an abort need a reason, the other decisions take one if fit") {
  CHECK(decision_reason_problem(Decision::Kind::kSkip, "") == "a reason is needed to skip");
  CHECK(decision_reason_problem(Decision::Kind::kAbort, "") == "a reason is needed to abort");
  CHECK_FALSE(decision_reason_problem(Decision::Kind::kSkip, "checked by hand"));
  CHECK_FALSE(decision_reason_problem(Decision::Kind::kRetry, ""));
  CHECK_FALSE(decision_reason_problem(Decision::Kind::kLeavePaused, ""));
  CHECK(decision_reason_problem(Decision::Kind::kAbort, "a\x1b[2J") ==
        "a reason is one line of text: control character 0x1b at byte 2");
  CHECK(decision_reason_problem(Decision::Kind::kRetry, "\t") ==
        "a reason is one line of text: control character 0x09 at byte 1");
}
