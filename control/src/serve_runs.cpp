#include "greenlight/control/serve_runs.h"

#include <fmt/format.h>
#include <grp.h>
#include <unistd.h>

#include <stdexcept>

#include "greenlight/core/log.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::control {

std::unique_ptr<control::ControlSocket> open_control_socket(asio::io_context& io,
                                                            const config::Site& site,
                                                            control::DaemonRuns& runs) {
  control::Access access;
  access.owner = ::geteuid();
  try {
    if (!site.control_group.empty()) {
      const struct group* entry = ::getgrnam(site.control_group.c_str());
      if (entry == nullptr) {
        throw std::runtime_error(
            fmt::format("runbooks: control_group: no group named '{}'", site.control_group));
      }
      access.group = entry->gr_gid;
      access.group_name = site.control_group;
    }
    auto socket = std::make_unique<control::ControlSocket>(
        io, runbook::control_socket(site), access,
        [&runs](std::shared_ptr<control::Connection> connection) {
          runs.serve(std::move(connection));
        });
    log::info("runs are submitted on {} (root{}{})", runbook::control_socket(site).string(),
              access.owner != 0 ? fmt::format(", uid {}", access.owner) : "",
              access.group ? ", group " + access.group_name : "");
    return socket;
  } catch (const std::exception& error) {
    log::error("no control socket, no run can be submitted: {}", error.what());
    return nullptr;
  }
}

}  // namespace greenlight::control
