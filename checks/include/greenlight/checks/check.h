// A configured check: the commands it runs and how it judges their output.
//
// make_check() turns a site's check specification (kind and parameters)
// into a Check; run_check() runs it through a CommandRunner and hands back
// its CheckResult. Every kind of the registry (check_kinds(), check_kind.h)
// runs: fping, gluster_peers, gluster_volumes, gluster_heal,
// gluster_clients, fleet_units, dns_critical (hosts files and DNS servers),
// name_resolution, power, prometheus_alerts, nagios and command.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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
  /// Where each command of commands() runs, same order: nullopt (or an
  /// empty vector) on the check's own host, the endpoint given to
  /// run_check; otherwise another node of the site (a hosts file read on
  /// every hypervisor). Default: every command on the check's host.
  virtual std::vector<std::optional<Endpoint>> placements() const { return {}; }
  /// True when the commands are independent of each other (one per node,
  /// per BMC): run_check starts them all at once, within the check's one
  /// deadline, so that a node that does not answer holds up only its own.
  virtual bool concurrent() const { return false; }
  /// The interval a waiting gate hurries this check to, in place of the
  /// gate's pace (a second; never slower than the check's own interval):
  /// longer for heal info (its `wait_interval`: heal info crawls a healing
  /// volume), shorter for a power reading (ipmitool and one fping on
  /// greenlight's host, so that a power gate sees a machine go off within
  /// a second). nullopt: the gate's pace.
  virtual std::optional<std::chrono::milliseconds> gate_interval() const { return std::nullopt; }
  /// A reader of the standard output of command `index` of commands() as
  /// it arrives, for an output too large to hold whole (a heal listing):
  /// run_check asks for one per command and run, installs it as the
  /// command's output_sink, and hands it back in RunResult::output_sink,
  /// where judge() reads what it gathered. nullptr (the default): judge()
  /// reads RunResult::out.
  virtual std::shared_ptr<OutputSink> output_reader(std::size_t index) const {
    (void)index;
    return nullptr;
  }
  /// The variables of greenlight's environment its commands started on
  /// greenlight's host do not get: config::secret_environment() but those
  /// the check's `pass_environment` names (none for a kind that keeps
  /// them, CheckKind::keeps_secrets: power). Set by make_check.
  const std::vector<std::string>& withheld_environment() const { return withheld_environment_; }
  void set_withheld_environment(std::vector<std::string> names) {
    withheld_environment_ = std::move(names);
  }

 protected:
  Check(std::string name, std::string host) : name_(std::move(name)), host_(std::move(host)) {}

 private:
  std::string name_;
  std::string host_;
  std::vector<std::string> withheld_environment_;
};

/// Builds the check; parameter errors go to `diagnostics` (file:line:col)
/// and nullptr is returned. `groups` resolves node sets in parameters; a
/// node set above node_ceiling() is refused before it is expanded. Never
/// throws, so it validates every check of a site that has other errors too.
std::unique_ptr<Check> make_check(const config::CheckSpec& spec, const config::Site& site,
                                  const GroupResolver& groups, config::Diagnostics& diagnostics);

/// Runs every command of `check` on `endpoint` (or where placements() puts
/// it), without the check's withheld_environment(), one after the other
/// (all at once when concurrent()), then calls
/// `done` with the verdict (started and finished set). `timeout` is one
/// deadline for the whole check: each command gets what is left of it, and
/// commands it leaves no time for are timeouts, never run.
void run_check(const Check& check, CommandRunner& runner, const Endpoint& endpoint,
               std::chrono::milliseconds timeout, std::function<void(CheckResult)> done);

}  // namespace greenlight::checks
