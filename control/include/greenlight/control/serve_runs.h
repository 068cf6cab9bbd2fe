// The control socket of `greenlight serve`, where `greenlight runbook`
// submits and follows the runs serve executes.
#pragma once

#include <memory>
#include <string>

#include "greenlight/control/control_socket.h"
#include "greenlight/control/daemon_runs.h"
#include "greenlight/core/config.h"

namespace greenlight::control {

/// Opens the site's control socket (runbooks: control, control_group) and
/// hands every authorised connection to `runs`. When it cannot (another
/// serve answers there, unknown group...), logs why as an error and returns
/// nullptr: serve goes on with its checks, and takes no run.
std::unique_ptr<control::ControlSocket> open_control_socket(asio::io_context& io,
                                                            const config::Site& site,
                                                            control::DaemonRuns& runs);

}  // namespace greenlight::control
