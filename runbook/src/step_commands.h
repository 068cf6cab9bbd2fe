// How a step's results read: success by its allowed exit codes, results
// folded by outcome, failures gathered by reason (what a step runs is
// greenlight/runbook/step_jobs.h).
#pragma once

#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/runner.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook::detail {

/// True when the result counts as a success for a step allowing `allowed`
/// exit codes; 255 allowed also accepts a node whose connection closed after
/// the command was sent (RunStatus::kClosed), as `poweroff` over SSH does.
/// A refused connection, failed authentication, refused host key, an
/// unreachable host or a timeout is a failure even with 255 allowed.
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
