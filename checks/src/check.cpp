#include "greenlight/checks/check.h"

#include <fmt/format.h>

#include <algorithm>

#include "check_support.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/dns.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/checks/fping.h"
#include "greenlight/checks/nagios.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/site_runner.h"
#include "kinds.h"

namespace greenlight::checks {

namespace detail {

// A node set parameter; "self" names greenlight's own host, as in runbooks.
std::vector<std::string> expand(config::MapReader& reader, const char* key,
                                const config::Site& site, const GroupResolver& groups,
                                bool required) {
  auto text = reader.string(key, required);
  if (!text) return {};
  if (required && text->find_first_not_of(" \t") == std::string::npos) {
    // Written empty: a check asked about nothing has nothing to prove. A
    // group that resolves to nothing (@run: while validating) is not this.
    reader.diagnostics().error(reader.value().find(key)->mark,
                               fmt::format("{}: an empty node set (name at least one node)", key));
    return {};
  }
  try {
    const NodeSet set = NodeSet::parse(site.with_self_named(*text), &groups);
    // Its size is known before its names: a typo such as node[1-100000000]
    // is refused here, before memory grows.
    check_node_ceiling(set.size(), *text);
    return set.expand();
  } catch (const std::exception& error) {
    reader.diagnostics().error(reader.value().find(key)->mark,
                               fmt::format("{}: {}", key, error.what()));
    return {};
  }
}

OnHosts on_hosts(config::MapReader& reader, const config::CheckSpec& spec,
                 const config::Site& site, const GroupResolver& groups) {
  OnHosts out;
  std::vector<std::string> unknown;
  for (const auto& node : expand(reader, "on", site, groups, false)) {
    if (site.host(node) == nullptr && !site.is_self(node)) unknown.push_back(node);
    out.hosts.push_back(node);
    out.placements.push_back(site.is_self(node) && site.is_self(spec.host)
                                 ? std::nullopt
                                 : std::optional<Endpoint>(site_endpoint(&site, node)));
  }
  if (!unknown.empty() && !site.hosts.empty()) {
    // A check runs on a host the site knows (its address, port, user): a
    // typo here would otherwise be an SSH failure on every run.
    reader.diagnostics().error(
        reader.value().find("on")->mark,
        fmt::format("on: {} {} not in the site's hosts", NodeSet::from_names(unknown).fold(),
                    unknown.size() == 1 ? "is" : "are"));
  }
  if (out.hosts.empty()) {
    out.hosts.push_back(site.is_self(spec.host) ? site.self_name() : spec.host);
    out.placements.emplace_back();
  }
  return out;
}

}  // namespace detail

namespace {

using config::MapReader;

using detail::expand;
using detail::not_judgeable;
using detail::with_program;

double milliseconds_of(MapReader& reader, const char* key, double fallback) {
  auto value = reader.duration(key);
  return value ? static_cast<double>(value->count()) : fallback;
}

class FpingCheck : public Check {
 public:
  FpingCheck(const config::CheckSpec& spec, const config::Site& site, MapReader& reader,
             const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    expect_.targets = expand(reader, "targets", site, groups, true);
    count_ = static_cast<int>(reader.integer("count", false, 1, 100).value_or(3));
    expect_.rtt_warning_ms = milliseconds_of(reader, "rtt_warning", expect_.rtt_warning_ms);
    expect_.rtt_critical_ms = milliseconds_of(reader, "rtt_critical", expect_.rtt_critical_ms);
    expect_.loss_warning_percent =
        reader.number("loss_warning_percent").value_or(expect_.loss_warning_percent);
    expect_.loss_critical_percent =
        reader.number("loss_critical_percent").value_or(expect_.loss_critical_percent);
    if (reader.choice("expect", {"reachable", "unreachable"}).value_or("reachable") ==
        "unreachable") {
      expect_.goal = PingGoal::unreachable;
    }
  }
  std::vector<Command> commands() const override {
    return {with_program(fping_argv(expect_.targets, count_), program_)};
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = not_judgeable(results.at(0))) return *failed;
    auto report = parse_fping(results[0].out + results[0].err);
    if (!report) return unknown_result("fping output: " + report.error().reason);
    return fping_verdict(*report, expect_, results[0].exit_code);
  }

 private:
  std::vector<std::string> program_;
  PingExpectation expect_;
  int count_ = 3;
};

class FleetCheck : public Check {
 public:
  FleetCheck(const config::CheckSpec& spec, const config::Site& site, MapReader& reader,
             const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    expect_.no_other_active = reader.string("no_other_active").value_or("");
    expect_.active_allowed = expand(reader, "active_allowed", site, groups, false);
    expect_.vms = expand(reader, "vms", site, groups, expect_.no_other_active.empty());
    expect_.unit_format = reader.string("unit_format").value_or(expect_.unit_format);
    if (unit_name(expect_.unit_format, "x").empty()) {
      const auto* where = reader.value().find("unit_format");
      reader.diagnostics().error(where != nullptr ? where->mark : reader.value().mark,
                                 "unit_format \"" + expect_.unit_format +
                                     "\" must contain %s exactly once (where the VM's name goes)",
                                 "for example unit_format: pcocc-vm-%s.service");
    }
    expect_.hosts = machine_hosts(site);
    const auto expect = reader.choice("expect", {"running", "stopped", "any"}).value_or("any");
    expect_.expect = expect == "running"   ? UnitExpectation::running
                     : expect == "stopped" ? UnitExpectation::stopped
                                           : UnitExpectation::any;
    if (!expect_.no_other_active.empty() && expect_.expect != UnitExpectation::stopped) {
      reader.diagnostics().error(reader.value().find("no_other_active")->mark,
                                 "no_other_active: only with expect: stopped");
    }
    reader.string("group_source");  // the dynamic source's name (group_feed, check_kind.cpp)
  }
  std::vector<Command> commands() const override {
    return {with_program(fleet_list_units_argv(), program_)};
  }
  // One fleetctl listing: a gate reads the units four times a second, so
  // that the run goes on within a second of the last VM stopping or running.
  std::optional<std::chrono::milliseconds> gate_interval() const override {
    return std::chrono::milliseconds(250);
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = not_judgeable(results.at(0))) return *failed;
    auto units = parse_fleet_units(results[0].out);
    if (!units) return unknown_result("fleetctl list-units: " + units.error().reason);
    return fleet_units_verdict(*units, expect_, results[0].exit_code);
  }

 private:
  std::vector<std::string> program_;
  FleetExpectation expect_;
};

class PluginCheck : public Check {
 public:
  PluginCheck(const config::CheckSpec& spec, bool nagios)
      : Check(spec.name, spec.host), argv_(spec.command), nagios_(nagios) {}
  std::vector<Command> commands() const override { return {Command::program(argv_)}; }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = not_judgeable(results.at(0))) return *failed;
    if (nagios_)
      return nagios_verdict(parse_nagios_output(results[0].out), results[0].exit_code, name());
    return command_verdict(results[0].exit_code, results[0].out + results[0].err, name());
  }

 private:
  std::vector<std::string> argv_;
  bool nagios_;
};

// A check whose kind the registry does not know: the site reader refused
// it already (its error names the kinds); built all the same, it can only
// say so.
class UnknownKindCheck : public Check {
 public:
  UnknownKindCheck(const config::CheckSpec& spec) : Check(spec.name, spec.host), kind_(spec.kind) {}
  std::vector<Command> commands() const override { return {}; }
  CheckResult judge(const std::vector<RunResult>&) const override {
    return unknown_result(fmt::format("'{}' is not a check kind greenlight knows", kind_));
  }

 private:
  std::string kind_;
};

}  // namespace

namespace detail {

std::unique_ptr<Check> make_fping_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups) {
  return std::make_unique<FpingCheck>(spec, site, reader, groups);
}

std::unique_ptr<Check> make_fleet_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups) {
  return std::make_unique<FleetCheck>(spec, site, reader, groups);
}

std::unique_ptr<Check> make_plugin_check(const config::CheckSpec& spec, const config::Site&,
                                         config::MapReader& reader, const GroupResolver&) {
  if (spec.command.empty()) {
    reader.diagnostics().error(
        spec.mark, fmt::format("check '{}': kind {} needs 'command'", spec.name, spec.kind));
  }
  return std::make_unique<PluginCheck>(spec, spec.kind == "nagios");
}

}  // namespace detail

namespace {

std::unique_ptr<Check> build_check(const config::CheckSpec& spec, const config::Site& site,
                                   const GroupResolver& groups, config::Diagnostics& diagnostics) {
  const CheckKind* kind = find_check_kind(spec.kind);
  if (kind == nullptr) return std::make_unique<UnknownKindCheck>(spec);
  const auto errors_before = diagnostics.errors().size();
  MapReader reader(spec.parameters, diagnostics, fmt::format("check '{}'", spec.name),
                   "checks: " + spec.kind);
  std::unique_ptr<Check> check = kind->build(spec, site, reader, groups);
  reader.finish();
  if (diagnostics.errors().size() != errors_before || check == nullptr) return nullptr;
  if (!kind->keeps_secrets) {
    std::vector<std::string> withheld;
    for (const auto& name : config::secret_environment()) {
      if (std::find(spec.pass_environment.begin(), spec.pass_environment.end(), name) ==
          spec.pass_environment.end())
        withheld.push_back(name);
    }
    check->set_withheld_environment(std::move(withheld));
  }
  return check;
}

}  // namespace

std::unique_ptr<Check> make_check(const config::CheckSpec& spec, const config::Site& site,
                                  const GroupResolver& groups, config::Diagnostics& diagnostics) {
  // Called on a site that has errors elsewhere too (config check lists them
  // all): whatever goes wrong while building one check is that check's error.
  try {
    return build_check(spec, site, groups, diagnostics);
  } catch (const std::exception& error) {
    diagnostics.error(spec.mark, fmt::format("check '{}': {}", spec.name, error.what()));
    return nullptr;
  }
}

namespace {

struct Progress {
  const Check& check;
  CommandRunner& runner;
  Endpoint endpoint;
  std::vector<Command> commands;
  std::vector<std::optional<Endpoint>> placements;
  std::vector<std::optional<RunResult>> results;
  std::size_t started_count = 0;
  std::size_t finished_count = 0;
  std::chrono::system_clock::time_point started;
  std::function<void(CheckResult)> done;
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point deadline;

  const Endpoint& where(std::size_t i) const {
    return i < placements.size() && placements[i] ? *placements[i] : endpoint;
  }
};

void judge_all(const std::shared_ptr<Progress>& progress) {
  std::vector<RunResult> results;
  results.reserve(progress->results.size());
  for (auto& result : progress->results) results.push_back(std::move(*result));
  CheckResult verdict = progress->check.judge(results);
  verdict.started = progress->started;
  verdict.finished = std::chrono::system_clock::now();
  auto finish = std::move(progress->done);
  finish(std::move(verdict));
}

void launch_next(const std::shared_ptr<Progress>& progress);

void finished_one(const std::shared_ptr<Progress>& progress, std::size_t i, RunResult result) {
  result.output_sink = progress->commands[i].output_sink;
  progress->results[i] = std::move(result);
  if (++progress->finished_count == progress->commands.size()) {
    judge_all(progress);
  } else if (!progress->check.concurrent()) {
    launch_next(progress);
  }
}

// Starts the next command within what is left of the check's deadline (one
// deadline for all its commands). A command the deadline leaves no time for
// does not start: it is a timeout, so the verdict cannot count what it
// would have read.
void launch_next(const std::shared_ptr<Progress>& progress) {
  const std::size_t i = progress->started_count++;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      progress->deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    RunResult result;
    result.node = progress->where(i).node;
    result.command = progress->commands[i].text();
    result.status = RunStatus::kTimeout;
    result.reason = fmt::format(
        "not started: the check's timeout of {} ms was spent on the "
        "commands before it",
        progress->timeout.count());
    finished_one(progress, i, std::move(result));
    return;
  }
  progress->commands[i].timeout = left;
  progress->runner.run(progress->where(i), progress->commands[i], [progress, i](RunResult result) {
    finished_one(progress, i, std::move(result));
  });
}

}  // namespace

void run_check(const Check& check, CommandRunner& runner, const Endpoint& endpoint,
               std::chrono::milliseconds timeout, std::function<void(CheckResult)> done) {
  auto progress = std::make_shared<Progress>(Progress{check,
                                                      runner,
                                                      endpoint,
                                                      check.commands(),
                                                      check.placements(),
                                                      {},
                                                      0,
                                                      0,
                                                      std::chrono::system_clock::now(),
                                                      std::move(done),
                                                      timeout,
                                                      std::chrono::steady_clock::now() + timeout});
  progress->results.resize(progress->commands.size());
  for (std::size_t i = 0; i < progress->commands.size(); ++i) {
    Command& command = progress->commands[i];
    if (command.withheld_environment.empty())
      command.withheld_environment = check.withheld_environment();
    command.reading = true;
    // A fresh reader per run: what it gathers is this run's alone.
    if (auto reader = check.output_reader(i)) command.output_sink = std::move(reader);
  }
  if (progress->commands.empty()) {
    judge_all(progress);
    return;
  }
  const std::size_t first_wave = check.concurrent() ? progress->commands.size() : 1;
  for (std::size_t i = 0; i < first_wave; ++i) launch_next(progress);
}

}  // namespace greenlight::checks
