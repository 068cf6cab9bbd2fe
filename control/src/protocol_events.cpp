// The events of the control protocol: what the daemon tells its clients.
#include <fmt/format.h>

#include "greenlight/control/protocol.h"
#include "json_fields.h"

namespace greenlight::control {
namespace {

using detail::Fields;
using detail::json;
using Cause = runbook::Pause::Cause;

const Question::Kind kQuestionKinds[] = {Question::Kind::kConfirm, Question::Kind::kAcknowledge,
                                         Question::Kind::kDecide};
const Cause kCauses[] = {Cause::kStepFailed, Cause::kGateTimedOut, Cause::kStepInterrupted};
const char* const kEventNames[] = {"accepted", "report", "question", "answered", "ended", "error"};

}  // namespace

std::string encode(const Event& event) {
  json out{{"event", kEventNames[static_cast<int>(event.kind)]}};
  if (!event.run.empty()) out["run"] = event.run;
  switch (event.kind) {
    case Event::Kind::kAccepted:
      out["runbook"] = event.runbook;
      out["journal"] = event.journal;
      break;
    case Event::Kind::kReport:
      out["line"] = event.line;
      break;
    case Event::Kind::kQuestion: {
      const Question& q = event.question;
      out["id"] = q.id;
      out["kind"] = to_string(q.kind);
      out["text"] = q.text;
      if (q.kind == Question::Kind::kDecide) {
        out["cause"] = to_string(q.pause.cause);
        out["phase"] = q.pause.phase;
        out["step"] = q.pause.step;
        out["gate"] = q.pause.gate;
        out["explanation"] = q.pause.explanation;
        out["failed_nodes"] = q.pause.failed_nodes;
        json choices = json::array();
        for (const auto kind : q.pause.choices) choices.push_back(runbook::to_string(kind));
        out["choices"] = choices;
      }
      break;
    }
    case Event::Kind::kAnswered:
      out["id"] = event.question.id;
      out["by"] = event.by;
      break;
    case Event::Kind::kEnded:
      out["outcome"] = event.outcome;
      if (!event.message.empty()) out["message"] = event.message;
      break;
    case Event::Kind::kError:
      out["message"] = event.message;
      if (!event.code.empty()) out["code"] = event.code;
      break;
  }
  return detail::line_of(out);
}

Event decode_event(std::string_view line) {
  const json object = detail::parse_object(line);
  Fields top(object, "event");
  const std::string name = top.string("event", true);
  Event out;
  bool known = false;
  for (int i = 0; i < 6; ++i) {
    if (name == kEventNames[i]) {
      out.kind = static_cast<Event::Kind>(i);
      known = true;
    }
  }
  if (!known) throw ProtocolError(fmt::format("unknown event \"{}\"", name));
  Fields f(object, name);
  out.run = f.string("run");
  out.runbook = f.string("runbook");
  out.journal = f.string("journal");
  out.line = f.string("line");
  out.by = f.string("by");
  out.outcome = f.string("outcome");
  out.message = f.string("message");
  out.code = f.string("code");
  out.question.id = f.number("id");
  if (out.kind == Event::Kind::kQuestion) {
    const std::string kind = f.string("kind", true);
    bool known_kind = false;
    for (const auto k : kQuestionKinds) {
      if (kind == to_string(k)) {
        out.question.kind = k;
        known_kind = true;
      }
    }
    if (!known_kind) throw ProtocolError(fmt::format("question: unknown kind \"{}\"", kind));
    out.question.text = f.string("text");
    runbook::Pause& pause = out.question.pause;
    const std::string cause = f.string("cause");
    for (const auto c : kCauses) {
      if (cause == to_string(c)) pause.cause = c;
    }
    pause.phase = f.string("phase");
    pause.step = static_cast<int>(f.number("step"));
    pause.gate = f.string("gate");
    pause.explanation = f.string("explanation");
    pause.failed_nodes = f.string("failed_nodes");
    if (const json* choices = f.get("choices", false)) {
      if (!choices->is_array()) throw ProtocolError("question: \"choices\" must be a list");
      for (const auto& choice : *choices) {
        const auto decision =
            choice.is_string() ? decision_from(choice.get<std::string>()) : std::nullopt;
        if (!decision) throw ProtocolError("question: unknown choice " + choice.dump());
        pause.choices.push_back(*decision);
      }
    }
  }
  return out;
}

}  // namespace greenlight::control
