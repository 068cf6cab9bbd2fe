// The control socket's protocol: every request and event survives encoding
// and decoding, and every bad line is refused with a message saying why.
#include <catch2/catch.hpp>

#include "greenlight/control/protocol.h"

using namespace greenlight;
using control::Event;
using control::ProtocolError;
using control::Question;
using control::Request;
using DecisionKind = runbook::Decision::Kind;

namespace {

std::string without_newline(std::string line) {
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // exactly one line
  line.pop_back();
  return line;
}

Request round_trip(const Request& request) {
  return control::decode_request(without_newline(control::encode(request)));
}

Event round_trip(const Event& event) {
  return control::decode_event(without_newline(control::encode(event)));
}

std::string refusal(std::string_view line) {
  try {
    control::decode_request(line);
  } catch (const ProtocolError& error) {
    return error.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("requests survive encoding") {
  Request exec;
  exec.kind = Request::Kind::kExec;
  exec.runbook = "restart";
  exec.yes = true;
  exec.from = "heal";
  auto back = round_trip(exec);
  CHECK(back.kind == Request::Kind::kExec);
  CHECK(back.runbook == "restart");
  CHECK(back.yes);
  CHECK(back.from == "heal");

  Request resume;
  resume.kind = Request::Kind::kResume;
  resume.run = "restart-20261126-010203";
  back = round_trip(resume);
  CHECK(back.kind == Request::Kind::kResume);
  CHECK(back.run == "restart-20261126-010203");
  CHECK_FALSE(back.yes);

  Request attach;
  attach.run = "r1";
  CHECK(round_trip(attach).kind == Request::Kind::kAttach);
  CHECK(round_trip(attach).run == "r1");

  Request stop;
  stop.kind = Request::Kind::kAbort;
  stop.run = "r1";
  stop.reason = "the \"heal\" gate will never pass: volspoms1 \\ brick 2";
  back = round_trip(stop);
  CHECK(back.kind == Request::Kind::kAbort);
  CHECK(back.reason == stop.reason);

  Request yes;
  yes.kind = Request::Kind::kAnswer;
  yes.run = "r1";
  yes.question = 7;
  yes.yes = true;
  back = round_trip(yes);
  CHECK(back.kind == Request::Kind::kAnswer);
  CHECK(back.question == 7);
  CHECK(back.yes);
  CHECK_FALSE(back.decision);

  Request skip = yes;
  skip.yes = false;
  skip.decision = DecisionKind::kSkip;
  skip.reason = "checked by hand";
  back = round_trip(skip);
  REQUIRE(back.decision);
  CHECK(*back.decision == DecisionKind::kSkip);
  CHECK(back.reason == "checked by hand");
  for (const auto kind : {DecisionKind::kRetry, DecisionKind::kRetryFailedNodes, DecisionKind::kAbort,
                          DecisionKind::kLeavePaused, DecisionKind::kRemedy}) {
    skip.decision = kind;
    CHECK(round_trip(skip).decision == kind);
  }
}

TEST_CASE("events survive encoding") {
  Event accepted;
  accepted.kind = Event::Kind::kAccepted;
  accepted.run = "r1";
  accepted.runbook = "restart";
  accepted.journal = "/var/lib/greenlight/runs/r1/journal";
  auto back = round_trip(accepted);
  CHECK(back.kind == Event::Kind::kAccepted);
  CHECK(back.run == "r1");
  CHECK(back.runbook == "restart");
  CHECK(back.journal == accepted.journal);

  Event report;
  report.run = "r1";
  report.line = "  step 1 done: here: ok \xff";  // invalid UTF-8 from a command
  back = round_trip(report);
  CHECK(back.kind == Event::Kind::kReport);
  CHECK(back.line == "  step 1 done: here: ok \xEF\xBF\xBD");

  Event confirm;
  confirm.kind = Event::Kind::kQuestion;
  confirm.run = "r1";
  confirm.question.id = 3;
  confirm.question.kind = Question::Kind::kConfirm;
  confirm.question.text = "Stop every VM?";
  back = round_trip(confirm);
  CHECK(back.kind == Event::Kind::kQuestion);
  CHECK(back.question.id == 3);
  CHECK(back.question.kind == Question::Kind::kConfirm);
  CHECK(back.question.text == "Stop every VM?");

  Event decide;
  decide.kind = Event::Kind::kQuestion;
  decide.question.id = 4;
  decide.question.kind = Question::Kind::kDecide;
  auto& pause = decide.question.pause;
  pause.cause = runbook::Pause::Cause::kStepFailed;
  pause.phase = "unmount";
  pause.step = 2;
  pause.explanation = "step 2 failed on worker03 (exit 32)";
  pause.failed_nodes = "worker03";
  pause.choices = {DecisionKind::kRetry, DecisionKind::kRetryFailedNodes, DecisionKind::kSkip,
                   DecisionKind::kAbort};
  back = round_trip(decide);
  CHECK(back.question.kind == Question::Kind::kDecide);
  CHECK(back.question.pause.cause == runbook::Pause::Cause::kStepFailed);
  CHECK(back.question.pause.phase == "unmount");
  CHECK(back.question.pause.step == 2);
  CHECK(back.question.pause.explanation == pause.explanation);
  CHECK(back.question.pause.failed_nodes == "worker03");
  CHECK(back.question.pause.choices == pause.choices);
  pause.cause = runbook::Pause::Cause::kGateTimedOut;
  pause.gate = "volumes-healed";
  back = round_trip(decide);
  CHECK(back.question.pause.cause == runbook::Pause::Cause::kGateTimedOut);
  CHECK(back.question.pause.gate == "volumes-healed");
  pause.cause = runbook::Pause::Cause::kStepInterrupted;
  CHECK(round_trip(decide).question.pause.cause == runbook::Pause::Cause::kStepInterrupted);
  decide.question.kind = Question::Kind::kAcknowledge;
  CHECK(round_trip(decide).question.kind == Question::Kind::kAcknowledge);

  Event answered;
  answered.kind = Event::Kind::kAnswered;
  answered.question.id = 4;
  answered.by = "uid 0 pid 77";
  back = round_trip(answered);
  CHECK(back.question.id == 4);
  CHECK(back.by == "uid 0 pid 77");

  Event ended;
  ended.kind = Event::Kind::kEnded;
  ended.outcome = "powered-off";
  CHECK(round_trip(ended).outcome == "powered-off");

  Event error;
  error.kind = Event::Kind::kError;
  error.message = "run r1 is being executed by process 42";
  error.code = "not-held";
  back = round_trip(error);
  CHECK(back.kind == Event::Kind::kError);
  CHECK(back.message == error.message);
  CHECK(back.code == "not-held");
}

TEST_CASE("bad requests are refused with what is wrong") {
  CHECK(refusal("") .find("not JSON") == 0);
  CHECK(refusal("exec restart").find("not JSON") == 0);
  CHECK(refusal(R"({"request": "exec", "runbook": "x")").find("not JSON") == 0);
  CHECK(refusal("[1, 2]") == "expected a JSON object, one per line");
  CHECK(refusal("42") == "expected a JSON object, one per line");
  CHECK(refusal("{}") == "request: \"request\" is missing");
  CHECK(refusal(R"({"request": 3})") == "request: \"request\" must be a string");
  CHECK(refusal(R"({"request": "reboot"})") ==
        "unknown request \"reboot\" (exec, resume, attach, abort or answer)");
  CHECK(refusal(R"({"request": "exec"})") == "exec: \"runbook\" is missing");
  CHECK(refusal(R"({"request": "exec", "runbook": ""})") == "exec: \"runbook\" is empty");
  CHECK(refusal(R"({"request": "exec", "runbook": "r", "yes": "please"})") ==
        "exec: \"yes\" must be true or false");
  CHECK(refusal(R"({"request": "exec", "runbook": "r", "force": true})") ==
        "exec: unknown field \"force\"");
  CHECK(refusal(R"({"request": "attach", "run": ["r1"]})") == "attach: \"run\" must be a string");
  CHECK(refusal(R"({"request": "answer", "run": "r1", "yes": true})") ==
        "answer: \"question\" is missing");
  CHECK(refusal(R"({"request": "answer", "run": "r1", "question": -1, "yes": true})") ==
        "answer: \"question\" must be a positive integer");
  CHECK(refusal(R"({"request": "answer", "run": "r1", "question": 1})").find("either") !=
        std::string::npos);
  CHECK(refusal(R"({"request": "answer", "run": "r1", "question": 1, "yes": true, "decision": "skip"})")
            .find("either") != std::string::npos);
  CHECK(refusal(R"({"request": "answer", "run": "r1", "question": 1, "decision": "ignore"})") ==
        "answer: unknown decision \"ignore\" (retry, retry --force, retry-failed, skip, abort or "
        "later)");
  CHECK(refusal(std::string(1000, '[')) == "nested more than 4 levels deep");
  CHECK(refusal(R"({"request": "exec", "runbook": {"a": {"b": {"c": {"d": 1}}}}})") ==
        "nested more than 4 levels deep");
  CHECK(refusal(std::string(control::kMaxLine + 1, ' ')).find("longer than") != std::string::npos);
  CHECK(refusal("{\"request\": \"exec\", \"runbook\": \"\xff\"}").find("not JSON") == 0);
  CHECK(refusal(R"({"request": "attach", "run": "r1"})") == "(accepted)");
  // A reason is printed by runbook log, status and attached terminals: one
  // line of text, no escape sequence that would move a cursor or fake a line.
  CHECK(refusal(R"({"request": "abort", "run": "r1", "reason": "disk\u001b[2J full"})") ==
        "abort: \"reason\": a reason is one line of text: control character 0x1b at byte 5");
  CHECK(refusal(R"({"request": "answer", "run": "r1", "question": 1, "decision": "skip", "reason": "ok\nrun r1 finished"})") ==
        "answer: \"reason\": a reason is one line of text: control character 0x0a at byte 3");
  CHECK(refusal(R"({"request": "abort", "run": "r1", "reason": ")" + std::string(1001, 'x') + "\"}")
            .find("at most 1000 bytes") != std::string::npos);
  CHECK(refusal(R"({"request": "abort", "run": "r1", "reason": "BMC unreachable, café"})") ==
        "(accepted)");
  // A key twice: a reader and greenlight could take different values.
  CHECK(refusal(R"({"request": "abort", "run": "r1", "run": "r2"})") ==
        "key \"run\" given twice");
  CHECK(refusal(R"({"request": "exec", "runbook": "r", "groups": {"a": "n1", "a": "n2"}})") ==
        "key \"a\" given twice");
  // The same key in two sibling objects is no duplicate.
  CHECK(refusal(R"({"request": "exec", "runbook": "r", "a": {"k": 1}, "b": {"k": 2}})")
            .find("given twice") == std::string::npos);
  // A NUL in a string would cut it where a path is opened: "r1\u0000x"
  // resumed run r1.
  CHECK(refusal(R"({"request": "resume", "run": "r1\u0000x"})") ==
        "resume: \"run\" holds a NUL byte (\\u0000)");
  CHECK(refusal(R"({"request": "exec", "runbook": "restart\u0000", "yes": true})")
            .find("holds a NUL byte") != std::string::npos);
}

TEST_CASE("bad events are refused too") {
  CHECK_THROWS_AS(control::decode_event("garbage"), ProtocolError);
  CHECK_THROWS_AS(control::decode_event(R"({"event": "party"})"), ProtocolError);
  CHECK_THROWS_AS(control::decode_event(R"({"event": "question", "id": 1, "kind": "guess"})"),
                  ProtocolError);
  CHECK_THROWS_AS(
      control::decode_event(R"({"event": "question", "id": 1, "kind": "decide", "choices": ["x"]})"),
      ProtocolError);
}
