// What every check kind's Check class shares: how a command that produced
// nothing to judge becomes a verdict, and how `command:` replaces a kind's
// program.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/config_value.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/runner.h"

namespace greenlight::checks::detail {

/// The node set of parameter `key`, expanded with `groups`; "self" names
/// greenlight's own host, as in runbooks. A bad node set is reported to the
/// reader's diagnostics (file:line:col) and gives an empty list.
std::vector<std::string> expand(config::MapReader& reader, const char* key,
                                const config::Site& site, const GroupResolver& groups,
                                bool required);

/// The hosts a check's commands run on, from its `on` node set (none
/// named: the check's own host), and where each command goes: nullopt for
/// greenlight's own host when the check runs there, the node's endpoint
/// (over SSH) otherwise. Same order in both.
struct OnHosts {
  std::vector<std::string> hosts;
  std::vector<std::optional<Endpoint>> placements;
};
OnHosts on_hosts(config::MapReader& reader, const config::CheckSpec& spec, const config::Site& site,
                 const GroupResolver& groups);

/// A failed command that produced nothing to judge (timeout, signal, could
/// not start): unknown, naming why. nullopt when it ran to an exit status.
inline std::optional<CheckResult> not_judgeable(const RunResult& result) {
  if (result.status == RunStatus::kOk || result.status == RunStatus::kExit) return std::nullopt;
  return unknown_result(
      fmt::format("{}: {} ({})", result.command, result.reason, to_string(result.status)));
}

/// `command:` replaces the program of the kind's command line (a wrapper such
/// as [sudo, gluster] or [nsenter, -t, PID, -n, fping]).
inline Command with_program(std::vector<std::string> argv,
                            const std::vector<std::string>& program) {
  if (!program.empty()) {
    argv.erase(argv.begin());
    argv.insert(argv.begin(), program.begin(), program.end());
  }
  return Command::program(std::move(argv));
}

}  // namespace greenlight::checks::detail
