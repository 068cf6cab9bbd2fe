// A configured check: the commands it runs and how it judges their output.
//
// make_check() turns a site's check specification (kind and parameters)
// into a Check; run_check() runs it through a CommandRunner and hands back
// its CheckResult. Every kind of config::check_kinds() runs: fping,
// gluster_peers, gluster_volumes, gluster_heal, gluster_clients, fleet_units,
// dns_critical (NSS path and DNS servers), prometheus_alerts, nagios and
// command.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/runner.h"

namespace greenlight::checks {

class Check {
 public:
  virtual ~Check() = default;
  const std::string& name() const { return name_; }
  const std::string& host() const { return host_; }
  /// The commands to run, in order (all of them run, then judge() decides).
  virtual std::vector<Command> commands() const = 0;
  /// The verdict on the commands' results, same order as commands().
  virtual CheckResult judge(const std::vector<RunResult>& results) const = 0;

 protected:
  Check(std::string name, std::string host) : name_(std::move(name)), host_(std::move(host)) {}

 private:
  std::string name_;
  std::string host_;
};

/// Builds the check; parameter errors go to `diagnostics` (file:line:col)
/// and nullptr is returned. `groups` resolves node sets in parameters.
std::unique_ptr<Check> make_check(const config::CheckSpec& spec, const config::Site& site,
                                  const GroupResolver& groups, config::Diagnostics& diagnostics);

/// Runs every command of `check` on `endpoint`, one after the other, then
/// calls `done` with the verdict (started and finished set). `timeout` is
/// one deadline for the whole check: each command gets what is left of it,
/// and commands it leaves no time for are timeouts, never run.
void run_check(const Check& check, CommandRunner& runner, const Endpoint& endpoint,
               std::chrono::milliseconds timeout, std::function<void(CheckResult)> done);

}  // namespace greenlight::checks
