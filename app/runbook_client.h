// `greenlight runbook` as a client of `greenlight serve`: exec, resume,
// attach and abort through the control socket, following the run in the
// terminal (progress lines, questions answered at the keyboard).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "greenlight/control/protocol.h"

namespace greenlight::app {

/// What became of a request to the daemon.
struct DaemonAnswer {
  enum class Kind {
    kNobody,   ///< no daemon answers on the socket: do it in this process
    kNotHeld,  ///< the daemon does not execute that run (attach, abort)
    kDone,     ///< handled; `exit_code` is the command's
  };
  Kind kind = Kind::kNobody;
  int exit_code = 0;
  /// How the run ended, when it did: the `ended` event's outcome (the run's
  /// state word, runbook::to_string of RunOutcome, or control::kStoppedOutcome).
  std::string outcome;
};

/// Sends `request` to the daemon on `socket_path` and follows the run until it
/// ends, printing its progress and asking its questions on the terminal.
/// `detach`: return once the daemon accepted the run. Ctrl-C detaches (the
/// run goes on). `quiet`: print only how the run ended (abort). `watch`:
/// follow read-only, printing open questions without answering them.
DaemonAnswer ask_daemon(const std::filesystem::path& socket_path, const control::Request& request,
                        bool detach = false, bool quiet = false, bool watch = false);

}  // namespace greenlight::app
