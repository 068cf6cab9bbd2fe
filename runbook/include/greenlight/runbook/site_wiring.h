// What `runbook exec` and `resume` plug together: where each node's commands
// run, the group sources (dynamic ones read from the check results store), and the
// state directory of runs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "greenlight/checks/result_store.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/runner.h"

namespace greenlight::runbook {

/// A node's endpoint from the site (site_endpoint: its address, port and
/// user, the ssh defaults otherwise; greenlight's own host runs locally),
/// named as asked so that a step's results are keyed by its own node names.
Endpoint endpoint_of(const config::Site& site, const std::string& node);

/// The site's groups plus the dynamic sources of the checks that feed a
/// group source (@vm:... from the fleet check, checks::group_feed). With a
/// `store`, each is a checks::StoreGroupSource: the groups of the check's
/// latest result in the store, and until the store has one, a reading of its
/// own taken when first asked for. Without one (nullptr), only that reading.
std::shared_ptr<GroupResolver> runbook_groups(const config::Site& site,
                                              std::shared_ptr<const checks::ResultStore> store);

/// Replaces the dynamic sources in `groups` (as runbook_groups makes them)
/// by new ones that run their check again when next asked, until the store
/// has a newer result: called right before a step or gate resolves its node
/// sets, so @vm:running is what fleet says then.
void refresh_dynamic_groups(const config::Site& site, GroupResolver& groups,
                            const std::shared_ptr<const checks::ResultStore>& store);

/// The dynamic sources as the store alone answers them: no reading of their
/// own, so a group is unknown until its check has a result with facts
/// (readiness, which never runs a check itself).
void add_stored_groups(const config::Site& site, GroupResolver& groups,
                       const std::shared_ptr<const checks::ResultStore>& store);

/// --runs DIR, else $GREENLIGHT_RUNS_DIR, else the site's `runbooks: {runs:}`.
std::filesystem::path runs_directory(const config::Site& site, const std::string& flag);

/// greenlight serve's control socket: $GREENLIGHT_CONTROL_SOCKET, else the
/// site's `runbooks: {control:}`.
std::filesystem::path control_socket(const config::Site& site);

}  // namespace greenlight::runbook
