// The GlusterFS check kinds: peers, volumes, heal, clients. Each runs gluster
// commands (`command:` replaces the program) and hands their parsed output
// to the verdicts of gluster_verdict.h.
#include <fmt/format.h>

#include <map>
#include <optional>

#include "check_support.h"
#include "failure_reason.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/heal_progress.h"
#include "kinds.h"

namespace greenlight::checks::detail {
namespace {

using config::MapReader;

// Site host name -> address, for hosts whose address is given: gluster names
// a peer or a client by the address it was probed or connected with. A host
// without one is known by its name only (never by an empty address).
std::map<std::string, std::string> addresses_of(const config::Site& site) {
  std::map<std::string, std::string> out;
  for (const auto& host : site.hosts)
    if (!host.address.empty()) out[host.name] = host.address;
  return out;
}

// The node a check's gluster command runs on, which `pool list` calls
// "localhost".
std::string local_node_of(const config::Site& site, const config::CheckSpec& spec) {
  return site.is_self(spec.host) ? site.self_name() : spec.host;
}

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
    expect_.peers = expand(reader, "peers", site, groups, true);
    expect_.local_node = local_node_of(site, spec);
    expect_.address_of_host = addresses_of(site);
    expect_.lists_localhost = true;  // `pool list`
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
    // `volume status all` fails when no volume is started (fine for volumes
    // expected stopped); a started volume whose bricks could not be read is
    // unknown, with this reason.
    std::optional<GlusterVolumeStatus> status;
    std::string status_error;
    if (auto failed = gluster_failed(results.at(1))) {
      status_error = failed->message;
    } else if (auto parsed = parse_gluster_volume_status(results[1].out)) {
      status = *parsed;
    } else {
      status_error = "gluster volume status: " + parsed.error().reason;
    }
    return gluster_volumes_verdict(*info, status ? &*status : nullptr, expect_, status_error);
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
    wait_interval_ = reader.positive_duration("wait_interval").value_or(wait_interval_);
    stuck_after_ = reader.positive_duration("stuck_after").value_or(stuck_after_);
  }
  // heal info crawls the bricks' indices: a gate waiting on a heal of
  // millions of entries must not ask every second.
  std::optional<std::chrono::milliseconds> gate_interval() const override { return wait_interval_; }
  std::vector<Command> commands() const override {
    std::vector<Command> out{with_program(gluster_volume_info_argv(), program_)};
    for (const auto& volume : volumes_) {
      out.push_back(with_program(gluster_heal_info_argv(volume, listing_), program_));
      // The listing goes through output_reader(); out keeps a head for
      // gluster's messages.
      out.back().output_cap = kListingHead;
    }
    return out;
  }
  // Each `heal VOL info` is parsed as it arrives: a listing of millions of
  // entries (hundreds of MB) is read in bounded memory, never cut at a cap.
  std::shared_ptr<OutputSink> output_reader(std::size_t index) const override {
    if (index == 0) return nullptr;  // gluster volume info
    return std::make_shared<HealListingReader>(listing_);
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    auto info = parse_gluster_volume_info(results[0].out);
    if (!info) return unknown_result("gluster volume info: " + info.error().reason);
    std::vector<VolumeHeal> heals;
    for (std::size_t i = 0; i < volumes_.size(); ++i) {
      const RunResult& run = results.at(i + 1);
      if (auto failed = not_judgeable(run)) return *failed;
      auto* reader = dynamic_cast<HealListingReader*>(run.output_sink.get());
      VolumeHeal heal{volumes_[i], reader != nullptr
                                       ? reader->finish(run.exit_code)
                                       : parse_gluster_heal_info(run.out, run.exit_code, listing_)};
      // Nothing said on stdout: gluster's reason may be on stderr.
      if (heal.heal.ok() && run.exit_code != 0 && heal.heal->error.rfind("exit status ", 0) == 0) {
        heal.heal.value().error = gluster_failure_reason(run);
      }
      for (const auto& volume : *info) {
        if (volume.name == volumes_[i]) heal.bricks = volume.bricks;
      }
      heals.push_back(std::move(heal));
    }
    // The counts of every run are followed (the check lives as long as its
    // scheduler; judge runs on its thread only): falling is progress,
    // not falling for stuck_after is a stuck heal.
    const auto now = std::chrono::system_clock::now();
    progress_.observe(now, heals);
    return gluster_heal_verdict(heals, HealPace{&progress_, now, stuck_after_});
  }

 private:
  static constexpr std::size_t kListingHead = 64 * 1024;
  std::vector<std::string> program_;
  std::vector<std::string> volumes_;
  HealListing listing_ = HealListing::entries;
  std::chrono::milliseconds wait_interval_{std::chrono::seconds(30)};
  std::chrono::milliseconds stuck_after_{std::chrono::minutes(30)};
  mutable HealProgress progress_;
};

class ClientsCheck : public Check {
 public:
  ClientsCheck(const config::CheckSpec& spec, const config::Site& site, MapReader& reader)
      : Check(spec.name, spec.host), program_(spec.command) {
    if (const config::Value* ignore = reader.value().find("ignore")) {
      reader.diagnostics().error(
          ignore->mark,
          "ignore: no longer used: self-heal daemons are told from mounts by glusterd's count "
          "of clients by type (gluster volume status all client-list); remove it");
      reader.string("ignore");
    }
    expect_.address_of_host = addresses_of(site);
    local_node_ = local_node_of(site, spec);
  }
  std::vector<Command> commands() const override {
    return {with_program(gluster_client_list_argv(), program_),
            with_program(gluster_volume_status_argv({}, true), program_),
            with_program(gluster_pool_list_argv(), program_)};
  }
  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (auto failed = gluster_failed(results.at(0))) return *failed;
    // A stopped volume is said on stderr.
    auto lists = parse_gluster_client_list(results[0].out + "\n" + results[0].err);
    if (!lists)
      return unknown_result("gluster volume status all client-list: " + lists.error().reason);
    if (auto failed = gluster_failed(results.at(1))) return *failed;
    auto status = parse_gluster_volume_status(results[1].out);
    if (!status)
      return unknown_result("gluster volume status all clients: " + status.error().reason);
    // Every peer runs a self-heal daemon: its one connection per brick is
    // not a client's (the pool only names hosts; glusterd's count decides).
    if (auto failed = gluster_failed(results.at(2))) return *failed;
    auto peers = parse_gluster_peers(results[2].out);
    if (!peers) return unknown_result("gluster pool list: " + peers.error().reason);
    ClientsExpectation expect = expect_;
    for (const auto& peer : *peers)
      expect.daemon_hosts.insert(peer.hostname == "localhost" ? local_node_ : peer.hostname);
    return gluster_clients_verdict(*lists, *status, expect);
  }

 private:
  std::vector<std::string> program_;
  ClientsExpectation expect_;
  std::string local_node_;
};

}  // namespace

std::unique_ptr<Check> make_gluster_check(const config::CheckSpec& spec, const config::Site& site,
                                          config::MapReader& reader, const GroupResolver& groups) {
  if (spec.kind == "gluster_peers") return std::make_unique<PeersCheck>(spec, site, reader, groups);
  if (spec.kind == "gluster_volumes") return std::make_unique<VolumesCheck>(spec, reader);
  if (spec.kind == "gluster_heal") return std::make_unique<HealCheck>(spec, reader);
  if (spec.kind == "gluster_clients") return std::make_unique<ClientsCheck>(spec, site, reader);
  return nullptr;
}

}  // namespace greenlight::checks::detail
