// greenlight serve as a systemd service (packaging/systemd/greenlight.service,
// Type=notify): what serve tells the service manager, and the runs it finds
// unfinished when it starts (after its host booted), which it reports and
// never resumes by itself.
#pragma once

#include <string>
#include <vector>

#include "greenlight/core/config.h"

namespace greenlight::control {

/// Sends `state` to the service manager with sd_notify(3): newline-separated
/// assignments such as "READY=1\nSTATUS=...", "RELOADING=1", "STOPPING=1".
/// Does nothing when serve was not started by one ($NOTIFY_SOCKET unset) or
/// the message cannot be sent (serve goes on either way). Any thread.
void notify_service_manager(const std::string& state);

/// The runs of the site's runs directory that have not ended (interrupted,
/// paused, powered off, executed by another process): serve logs `lines`
/// when it starts and puts `status` in STATUS=.
struct UnfinishedRunsReport {
  /// One line per run in the operator's words, with the command that
  /// continues it; a directory that cannot be read gives one line saying so.
  std::vector<std::string> lines;
  std::string status;  ///< "no unfinished run", or the first one and how many more
};
UnfinishedRunsReport unfinished_runs_report(const config::Site& site);

}  // namespace greenlight::control
