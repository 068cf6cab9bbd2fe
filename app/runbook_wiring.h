// What `runbook exec` and `resume` plug together: where each node's commands
// run, the group sources (dynamic ones fed by the check scheduler), and the
// state directory of runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/runner.h"

namespace greenlight::app {

/// A node's endpoint from the site: its address, port and user (the ssh
/// defaults otherwise); greenlight's own host (and "localhost") is local.
Endpoint endpoint_of(const config::Site& site, const std::string& node);

/// Local endpoints run here; the others are refused with the reason given,
/// until this greenlight has a runner for remote hosts.
class PlacedRunner : public CommandRunner {
 public:
  PlacedRunner(asio::io_context& io, std::string remote_reason)
      : local_(io), remote_(io, std::move(remote_reason)) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override {
    if (endpoint.local) {
      local_.run(endpoint, command, std::move(done));
    } else {
      remote_.run(endpoint, command, std::move(done));
    }
  }

 private:
  LocalRunner local_;
  RefusingRunner remote_;
};

/// The site's groups plus the dynamic sources of fleet checks (@vm:...),
/// which run their check when first asked for.
std::shared_ptr<GroupResolver> runbook_groups(const config::Site& site);

/// Follows a check's new results: a fleet check's result replaces its
/// dynamic group source, so @vm:running is what the last run saw.
void follow_result(const config::Site& site, GroupResolver& groups, const std::string& check,
                   const checks::CheckResult& result);

/// --runs DIR, else $GREENLIGHT_RUNS_DIR, else the site's `runbooks: {runs:}`.
std::filesystem::path runs_directory(const config::Site& site, const std::string& flag);

}  // namespace greenlight::app
