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

namespace greenlight::runbook {

/// A node's endpoint from the site (site_endpoint: its address, port and
/// user, the ssh defaults otherwise; greenlight's own host runs locally),
/// named as asked so that a step's results are keyed by its own node names.
Endpoint endpoint_of(const config::Site& site, const std::string& node);

/// The site's groups plus the dynamic sources of fleet checks (@vm:...),
/// which run their check when first asked for.
std::shared_ptr<GroupResolver> runbook_groups(const config::Site& site);

/// Replaces the dynamic sources of fleet checks in `groups` by new ones
/// that run their check again when next asked: called right before a step
/// or gate resolves its node sets, so @vm:running is what fleet says then.
void refresh_dynamic_groups(const config::Site& site, GroupResolver& groups);

/// Follows a check's new results: a fleet check's result replaces its
/// dynamic group source, so @vm:running is what the last run saw.
void follow_result(const config::Site& site, GroupResolver& groups, const std::string& check,
                   const checks::CheckResult& result);

/// --runs DIR, else $GREENLIGHT_RUNS_DIR, else the site's `runbooks: {runs:}`.
std::filesystem::path runs_directory(const config::Site& site, const std::string& flag);

/// greenlight serve's control socket: $GREENLIGHT_CONTROL_SOCKET, else the
/// site's `runbooks: {control:}`.
std::filesystem::path control_socket(const config::Site& site);

}  // namespace greenlight::runbook
