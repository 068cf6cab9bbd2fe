// What a step runs, computed from the runbook, the site and the groups:
// its nodes, its BMC commands, and how its results read.
#pragma once

#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/runner.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook::detail {

/// Greenlight's own host ("self"), or "localhost" when the site marks none.
std::string self_name(const config::Site& site);

/// The nodes a step acts on: `nodes` minus `exclude`, where "self" stands for
/// greenlight's own host. Throws std::runtime_error naming the node set.
NodeSet step_nodes(const Step& step, const config::Site& site, const GroupResolver& groups);

/// The site's BMC command for one node, every substituted word shell-quoted.
/// Throws std::runtime_error when the node has no BMC address.
std::string power_command(const config::Site& site, const std::string& node,
                          const std::string& action);

/// True when the result counts as a success for a step allowing `allowed`
/// exit codes; 255 allowed also accepts a node that dropped the connection
/// (clush's code for it), as `poweroff` over SSH does.
bool succeeded(const RunResult& result, const std::vector<int>& allowed);

/// Results folded by identical outcome, one line each, `clush -b` style:
/// "  top[1-3] (3): ok" then the output's first lines, indented.
std::vector<std::string> folded_results(const std::vector<RunResult>& results);

/// "worker02: exit 1: umount: /gluster: target is busy; worker[03-04]: connection
/// refused": nodes gathered by reason, a failed command's last stderr line
/// appended to its reason. With `name_commands` (power steps, whose command
/// differs per node) each group also names the command its first node ran:
/// "node1: exit 1: Error: ... (command: ipmitool -H 10.2.0.1 ...)".
std::string failure_summary(const std::vector<RunResult>& failed, bool name_commands = false);

/// Folded node set of the results' nodes.
std::string fold_nodes(const std::vector<RunResult>& results);

}  // namespace greenlight::runbook::detail
