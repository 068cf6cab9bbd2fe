// The control socket's protocol: newline-delimited JSON, one object per
// line, between `greenlight runbook` (requests) and `greenlight serve`
// (events). docs/runbooks.md ("The control socket") is the reference.
//
//   -> {"request": "exec", "runbook": "restart", "yes": false, "from": ""}
//   <- {"event": "accepted", "run": "restart-20261126-010203", "runbook": "restart", ...}
//   <- {"event": "report", "run": "...", "line": "[1/18] phase preflight ..."}
//   <- {"event": "question", "run": "...", "id": 1, "kind": "confirm", "text": "..."}
//   -> {"request": "answer", "run": "...", "question": 1, "yes": true}
//   <- {"event": "answered", "run": "...", "id": 1, "by": "uid 0 pid 4242"}
//   <- {"event": "ended", "run": "...", "outcome": "done"}
//
// Pure functions: decoding never trusts its input (a malformed line is a
// ProtocolError saying what is wrong, never a crash).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "greenlight/runbook/executor.h"

namespace greenlight::control {

/// The longest line either side accepts (the reader stops there).
inline constexpr std::size_t kMaxLine = 256 * 1024;

/// A line that is not a valid request or event; what() says why.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// From a client to the daemon.
struct Request {
  enum class Kind { kExec, kResume, kAttach, kAbort, kAnswer };
  Kind kind = Kind::kAttach;
  std::string runbook;  ///< exec
  std::string run;      ///< resume, attach, abort, answer
  bool yes = false;     ///< exec, resume: --yes; answer: the yes/no of confirm and manual
  std::string from;     ///< exec: --from PHASE
  std::string exclude;  ///< exec, resume: --exclude NODES (a node set)
  std::string from_run; ///< exec: --from-run RUN (its @run: groups become this run's)
  std::string reason;   ///< abort; answer with skip or abort
  std::uint64_t question = 0;                        ///< answer: the question's id
  std::optional<runbook::Decision::Kind> decision;  ///< answer to a pause (decide)
};

/// A question of the run to its operator, as the daemon holds it open.
struct Question {
  enum class Kind { kConfirm, kAcknowledge, kDecide };
  std::uint64_t id = 0;  ///< unique within the daemon's process
  Kind kind = Kind::kConfirm;
  std::string text;      ///< confirm: the question; acknowledge: the instruction
  runbook::Pause pause;  ///< decide
};

/// The `ended` outcome of a run serve stopped following without a run state
/// of its own to tell (it could not start, serve stops, an abort that
/// could not be journaled): the run stays as its journal says.
inline constexpr const char* kStoppedOutcome = "stopped";

/// From the daemon to a client.
struct Event {
  enum class Kind { kAccepted, kReport, kQuestion, kAnswered, kEnded, kError };
  Kind kind = Kind::kReport;
  std::string run;
  std::string runbook;  ///< accepted
  std::string journal;  ///< accepted: the run's journal file
  std::string line;     ///< report
  Question question;    ///< question; answered: its id
  std::string by;       ///< answered: who answered ("uid 0 pid 4242")
  /// ended: the run's state as it stopped, in the run's one vocabulary
  /// (runbook::to_string of RunOutcome: done, paused, aborted, powered-off),
  /// or kStoppedOutcome when serve stopped following it (it stays as
  /// journaled).
  std::string outcome;
  std::string message;  ///< error: what was refused and why; ended: details
  /// error: "not-held" when the daemon does not execute the run;
  /// "answer-refused" for an answer not taken (the run goes on).
  std::string code;
};

const char* to_string(Request::Kind kind);
const char* to_string(Question::Kind kind);
const char* to_string(runbook::Pause::Cause cause);
std::optional<runbook::Decision::Kind> decision_from(std::string_view name);

/// One line, '\n' included.
std::string encode(const Request& request);
std::string encode(const Event& event);
/// `line` without its '\n'. Throw ProtocolError.
Request decode_request(std::string_view line);
Event decode_event(std::string_view line);

}  // namespace greenlight::control
