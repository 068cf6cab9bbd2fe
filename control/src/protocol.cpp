// The names of the control protocol, and its requests: what clients ask.
#include <fmt/format.h>

#include "greenlight/control/protocol.h"
#include "greenlight/runbook/reason.h"
#include "json_fields.h"

namespace greenlight::control {
namespace {

using detail::Fields;
using detail::json;
using Cause = runbook::Pause::Cause;
using DecisionKind = runbook::Decision::Kind;

const Request::Kind kRequestKinds[] = {Request::Kind::kExec, Request::Kind::kResume,
                                       Request::Kind::kAttach, Request::Kind::kAbort,
                                       Request::Kind::kAnswer};

}  // namespace

const char* to_string(Request::Kind kind) {
  switch (kind) {
    case Request::Kind::kExec:
      return "exec";
    case Request::Kind::kResume:
      return "resume";
    case Request::Kind::kAttach:
      return "attach";
    case Request::Kind::kAbort:
      return "abort";
    case Request::Kind::kAnswer:
      return "answer";
  }
  return "?";
}

const char* to_string(Question::Kind kind) {
  switch (kind) {
    case Question::Kind::kConfirm:
      return "confirm";
    case Question::Kind::kAcknowledge:
      return "acknowledge";
    case Question::Kind::kDecide:
      return "decide";
  }
  return "?";
}

const char* to_string(Cause cause) {
  switch (cause) {
    case Cause::kStepFailed:
      return "step-failed";
    case Cause::kGateTimedOut:
      return "gate-timed-out";
    case Cause::kStepInterrupted:
      return "step-interrupted";
  }
  return "?";
}

std::optional<DecisionKind> decision_from(std::string_view name) {
  for (const auto kind : {DecisionKind::kRetry, DecisionKind::kRetryFailedNodes,
                          DecisionKind::kSkip, DecisionKind::kAbort, DecisionKind::kLeavePaused,
                          DecisionKind::kForceRetry, DecisionKind::kRemedy}) {
    if (name == runbook::to_string(kind)) return kind;
  }
  return std::nullopt;
}

std::string encode(const Request& request) {
  json out{{"request", to_string(request.kind)}};
  switch (request.kind) {
    case Request::Kind::kExec:
      out["runbook"] = request.runbook;
      out["yes"] = request.yes;
      if (!request.from.empty()) out["from"] = request.from;
      if (!request.exclude.empty()) out["exclude"] = request.exclude;
      if (!request.from_run.empty()) out["from_run"] = request.from_run;
      break;
    case Request::Kind::kResume:
      out["run"] = request.run;
      out["yes"] = request.yes;
      if (!request.exclude.empty()) out["exclude"] = request.exclude;
      break;
    case Request::Kind::kAttach:
      out["run"] = request.run;
      break;
    case Request::Kind::kAbort:
      out["run"] = request.run;
      if (!request.reason.empty()) out["reason"] = request.reason;
      break;
    case Request::Kind::kAnswer:
      out["run"] = request.run;
      out["question"] = request.question;
      if (request.decision) {
        out["decision"] = runbook::to_string(*request.decision);
      } else {
        out["yes"] = request.yes;
      }
      if (!request.reason.empty()) out["reason"] = request.reason;
      break;
  }
  return detail::line_of(out);
}

Request decode_request(std::string_view line) {
  const json object = detail::parse_object(line);
  Fields top(object, "request");
  const std::string name = top.string("request", true);
  Request out;
  bool known = false;
  for (const auto kind : kRequestKinds) {
    if (name == to_string(kind)) {
      out.kind = kind;
      known = true;
    }
  }
  if (!known) {
    throw ProtocolError(fmt::format(
        "unknown request \"{}\" (exec, resume, attach, abort or answer)", name));
  }
  Fields fields(object, name);
  fields.string("request");
  switch (out.kind) {
    case Request::Kind::kExec:
      out.runbook = fields.string("runbook", true);
      out.yes = fields.boolean("yes").value_or(false);
      out.from = fields.string("from");
      out.exclude = fields.string("exclude");
      out.from_run = fields.string("from_run");
      break;
    case Request::Kind::kResume:
      out.run = fields.string("run", true);
      out.yes = fields.boolean("yes").value_or(false);
      out.exclude = fields.string("exclude");
      break;
    case Request::Kind::kAttach:
      out.run = fields.string("run", true);
      break;
    case Request::Kind::kAbort:
      out.run = fields.string("run", true);
      out.reason = fields.string("reason");
      if (const auto why = runbook::reason_problem(out.reason))
        throw ProtocolError("abort: \"reason\": " + *why);
      break;
    case Request::Kind::kAnswer: {
      out.run = fields.string("run", true);
      out.question = fields.number("question", true);
      const auto yes = fields.boolean("yes");
      const std::string decision = fields.string("decision");
      out.reason = fields.string("reason");
      if (const auto why = runbook::reason_problem(out.reason))
        throw ProtocolError("answer: \"reason\": " + *why);
      if (yes.has_value() == !decision.empty())
        throw ProtocolError("answer: give either \"yes\" (confirm, manual) or \"decision\" (a pause)");
      out.yes = yes.value_or(false);
      if (!decision.empty()) {
        out.decision = decision_from(decision);
        if (!out.decision) {
          throw ProtocolError(fmt::format(
              "answer: unknown decision \"{}\" (retry, retry --force, retry-failed, skip, abort or "
              "later)",
              decision));
        }
      }
      break;
    }
  }
  fields.finish();
  return out;
}

}  // namespace greenlight::control
