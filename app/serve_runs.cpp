#include "serve_runs.h"

#include <fmt/format.h>
#include <grp.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

#include "runbook_wiring.h"

namespace greenlight::app {

void log_control(const std::string& line) {
  std::cout << "greenlight serve: " << line << std::endl;
}

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
        io, control_socket(site), access,
        [&runs](std::shared_ptr<control::Connection> connection) {
          runs.serve(std::move(connection));
        },
        log_control);
    std::cout << fmt::format("greenlight serve: runs are submitted on {} (root{}{})",
                             control_socket(site).string(),
                             access.owner != 0 ? fmt::format(", uid {}", access.owner) : "",
                             access.group ? ", group " + access.group_name : "")
              << std::endl;
    return socket;
  } catch (const std::exception& error) {
    std::cerr << fmt::format("greenlight serve: no control socket, no run can be submitted: {}",
                             error.what())
              << std::endl;
    return nullptr;
  }
}

}  // namespace greenlight::app
