#include "greenlight/checks/check.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/dns.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/checks/fping.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/nagios.h"
#include "greenlight/core/nodeset.h"
#include "gluster/failure_reason.h"
#include "kinds.h"

namespace greenlight::checks {
namespace {

using config::MapReader;

using detail::gluster_failure_reason;
using detail::not_judgeable;
using detail::with_program;

std::vector<std::string> expand(MapReader& reader, const char* key, const GroupResolver& groups,
                                bool required) {
  auto text = reader.string(key, required);
  if (!text) return {};
  try {
    return NodeSet::parse(*text, &groups).expand();
  } catch (const std::exception& error) {
    reader.diagnostics().error(reader.value().find(key)->mark,
                               fmt::format("{}: {}", key, error.what()));
    return {};
  }
}

double milliseconds_of(MapReader& reader, const char* key, double fallback) {
  auto value = reader.duration(key);
  return value ? static_cast<double>(value->count()) : fallback;
}

class FpingCheck : public Check {
 public:
  FpingCheck(const config::CheckSpec& spec, MapReader& reader, const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    expect_.targets = expand(reader, "targets", groups, true);
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

// A gluster command that failed, with gluster's reason (stderr or stdout).
std::optional<CheckResult> gluster_failed(const RunResult& result) {
  if (auto failed = not_judgeable(result)) return failed;
  if (result.exit_code != 0) {
    return unknown_result(fmt::format("{}: exit {}: {}", result.command, result.exit_code,
                                      gluster_failure_reason(result)));
  }
  return std::nullopt;
}

class PeersCheck : public Check {
 public:
  PeersCheck(const config::CheckSpec& spec, const config::Site& site, MapReader& reader,
             const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    expect_.peers = expand(reader, "peers", groups, true);
    // The pool lists the node the command runs on as "localhost".
    expect_.local_node = site.is_self(spec.host) ? site.self_name() : spec.host;
  }
  std::vector<Command> commands() const override {
    return {with_program(gluster_pool_list_argv(), program_)};
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    auto peers = parse_gluster_peers(results[0].out);
    if (!peers) return unknown_result("gluster pool list: " + peers.error().reason);
    return gluster_peers_verdict(*peers, expect_);
  }

 private:
  std::vector<std::string> program_;
  PeersExpectation expect_;
};

std::vector<std::string> volume_list(MapReader& reader) {
  auto volumes = reader.strings("volumes", true).value_or(std::vector<std::string>{});
  if (reader.value().find("volumes") != nullptr && volumes.empty()) {
    reader.diagnostics().error(reader.value().find("volumes")->mark, "volumes: the list is empty");
  }
  return volumes;
}

class VolumesCheck : public Check {
 public:
  VolumesCheck(const config::CheckSpec& spec, MapReader& reader)
      : Check(spec.name, spec.host), program_(spec.command) {
    const auto state = reader.choice("expect", {"started", "stopped"}).value_or("started");
    for (const auto& volume : volume_list(reader)) {
      expect_.push_back({volume, state == "started" ? VolumeState::started : VolumeState::stopped});
    }
  }
  std::vector<Command> commands() const override {
    return {with_program(gluster_volume_info_argv(), program_),
            with_program(gluster_volume_status_argv(), program_)};
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    auto info = parse_gluster_volume_info(results[0].out);
    if (!info) return unknown_result("gluster volume info: " + info.error().reason);
    // `volume status all` fails when no volume is started: bricks are then not judged.
    std::optional<GlusterVolumeStatus> status;
    if (results.at(1).ok()) {
      auto parsed = parse_gluster_volume_status(results[1].out);
      if (parsed) status = *parsed;
    }
    return gluster_volumes_verdict(*info, status ? &*status : nullptr, expect_);
  }

 private:
  std::vector<std::string> program_;
  std::vector<VolumeExpectation> expect_;
};

class HealCheck : public Check {
 public:
  HealCheck(const config::CheckSpec& spec, MapReader& reader)
      : Check(spec.name, spec.host), program_(spec.command) {
    volumes_ = volume_list(reader);
    if (reader.choice("listing", {"entries", "summary"}).value_or("entries") == "summary") {
      listing_ = HealListing::summary;
    }
  }
  std::vector<Command> commands() const override {
    std::vector<Command> out{with_program(gluster_volume_info_argv(), program_)};
    for (const auto& volume : volumes_)
      out.push_back(with_program(gluster_heal_info_argv(volume, listing_), program_));
    return out;
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    auto info = parse_gluster_volume_info(results[0].out);
    if (!info) return unknown_result("gluster volume info: " + info.error().reason);
    std::vector<VolumeHeal> heals;
    for (std::size_t i = 0; i < volumes_.size(); ++i) {
      const RunResult& run = results.at(i + 1);
      if (auto failed = not_judgeable(run)) return *failed;
      VolumeHeal heal{volumes_[i], parse_gluster_heal_info(run.out, run.exit_code, listing_)};
      // Nothing said on stdout: gluster's reason may be on stderr.
      if (heal.heal.ok() && run.exit_code != 0 && heal.heal->error.rfind("exit status ", 0) == 0) {
        heal.heal.value().error = gluster_failure_reason(run);
      }
      for (const auto& volume : *info) {
        if (volume.name == volumes_[i]) heal.bricks = volume.bricks;
      }
      heals.push_back(std::move(heal));
    }
    return gluster_heal_verdict(heals);
  }

 private:
  std::vector<std::string> program_;
  std::vector<std::string> volumes_;
  HealListing listing_ = HealListing::entries;
};

class ClientsCheck : public Check {
 public:
  ClientsCheck(const config::CheckSpec& spec, const config::Site& site, MapReader& reader,
               const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    // The ignored hosts are matched by name and by address.
    for (const auto& node : expand(reader, "ignore", groups, false)) {
      expect_.ignore.push_back(node);
      if (const auto* host = site.host(node); host != nullptr && host->address != node) {
        expect_.ignore.push_back(host->address);
      }
    }
  }
  std::vector<Command> commands() const override {
    return {with_program(gluster_volume_status_argv({}, true), program_)};
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    auto status = parse_gluster_volume_status(results[0].out);
    if (!status)
      return unknown_result("gluster volume status all clients: " + status.error().reason);
    return gluster_clients_verdict(*status, expect_);
  }

 private:
  std::vector<std::string> program_;
  ClientsExpectation expect_;
};

class FleetCheck : public Check {
 public:
  FleetCheck(const config::CheckSpec& spec, MapReader& reader, const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    expect_.vms = expand(reader, "vms", groups, true);
    expect_.unit_format = reader.string("unit_format").value_or(expect_.unit_format);
    const auto expect = reader.choice("expect", {"running", "stopped", "any"}).value_or("any");
    expect_.expect = expect == "running"   ? UnitExpectation::running
                     : expect == "stopped" ? UnitExpectation::stopped
                                           : UnitExpectation::any;
    reader.string("group_source");  // read by the configuration (the dynamic source's name)
  }
  std::vector<Command> commands() const override {
    return {with_program(fleet_list_units_argv(), program_)};
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

class NotWiredCheck : public Check {
 public:
  NotWiredCheck(const config::CheckSpec& spec) : Check(spec.name, spec.host), kind_(spec.kind) {}
  std::vector<Command> commands() const override { return {}; }
  CheckResult judge(const std::vector<RunResult>&) const override {
    return unknown_result(fmt::format("check kind {} cannot run from greenlight check yet", kind_));
  }

 private:
  std::string kind_;
};

}  // namespace

std::unique_ptr<Check> make_check(const config::CheckSpec& spec, const config::Site& site,
                                  const GroupResolver& groups, config::Diagnostics& diagnostics) {
  const auto errors_before = diagnostics.errors().size();
  MapReader reader(spec.parameters, diagnostics, fmt::format("check '{}'", spec.name));
  std::unique_ptr<Check> check;
  if (spec.kind == "fping") {
    check = std::make_unique<FpingCheck>(spec, reader, groups);
  } else if (spec.kind == "gluster_peers") {
    check = std::make_unique<PeersCheck>(spec, site, reader, groups);
  } else if (spec.kind == "gluster_volumes") {
    check = std::make_unique<VolumesCheck>(spec, reader);
  } else if (spec.kind == "gluster_heal") {
    check = std::make_unique<HealCheck>(spec, reader);
  } else if (spec.kind == "gluster_clients") {
    check = std::make_unique<ClientsCheck>(spec, site, reader, groups);
  } else if (spec.kind == "dns_critical") {
    check = detail::make_dns_check(spec, site, reader);
  } else if (spec.kind == "fleet_units") {
    check = std::make_unique<FleetCheck>(spec, reader, groups);
  } else if (spec.kind == "prometheus_alerts") {
    check = detail::make_prometheus_alerts_check(spec, reader);
  } else if (spec.kind == "nagios" || spec.kind == "command") {
    if (spec.command.empty()) {
      diagnostics.error(spec.mark,
                        fmt::format("check '{}': kind {} needs 'command'", spec.name, spec.kind));
    }
    check = std::make_unique<PluginCheck>(spec, spec.kind == "nagios");
  } else {
    return std::make_unique<NotWiredCheck>(spec);
  }
  reader.finish();
  if (diagnostics.errors().size() != errors_before) return nullptr;
  return check;
}

namespace {

struct Progress {
  const Check& check;
  CommandRunner& runner;
  Endpoint endpoint;
  std::vector<Command> commands;
  std::vector<RunResult> results;
  std::chrono::system_clock::time_point started;
  std::function<void(CheckResult)> done;
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point deadline;
};

// Runs the next command within what is left of the check's deadline (one
// deadline for all its commands), or judges when all have run. A command the
// deadline leaves no time for does not start: it is a timeout, so the verdict
// cannot count what it would have read.
void advance(const std::shared_ptr<Progress>& progress) {
  const std::size_t next = progress->results.size();
  if (next < progress->commands.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        progress->deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      for (std::size_t i = next; i < progress->commands.size(); ++i) {
        RunResult result;
        result.node = progress->endpoint.node;
        result.command = progress->commands[i].text();
        result.status = RunStatus::kTimeout;
        result.reason = fmt::format("not started: the check's timeout of {} ms was spent on the "
                                    "commands before it",
                                    progress->timeout.count());
        progress->results.push_back(std::move(result));
      }
    } else {
      progress->commands[next].timeout = left;
    }
  }
  if (progress->results.size() == progress->commands.size()) {
    CheckResult result = progress->check.judge(progress->results);
    result.started = progress->started;
    result.finished = std::chrono::system_clock::now();
    auto finish = std::move(progress->done);
    finish(std::move(result));
    return;
  }
  progress->runner.run(progress->endpoint, progress->commands[progress->results.size()],
                       [progress](RunResult result) {
                         progress->results.push_back(std::move(result));
                         advance(progress);
                       });
}

}  // namespace

void run_check(const Check& check, CommandRunner& runner, const Endpoint& endpoint,
               std::chrono::milliseconds timeout, std::function<void(CheckResult)> done) {
  auto progress = std::make_shared<Progress>(Progress{check,
                                                      runner,
                                                      endpoint,
                                                      check.commands(),
                                                      {},
                                                      std::chrono::system_clock::now(),
                                                      std::move(done),
                                                      timeout,
                                                      std::chrono::steady_clock::now() + timeout});
  advance(progress);
}

}  // namespace greenlight::checks
