// Gate remedies: which objects keep a gate red, read from its checks'
// latest results, and the groups a remedy's steps read them as.
//
// A fleet_units check names each VM that keeps it red (fact "vm_red": the
// VM and its sub-state) and where fleet runs it (fact "vm_machine": fleet's
// machine column, "ID/IP"). A remedy acts on those whose sub-state is one of
// its `states` (running by default: a VM that is shutting down is left
// alone). A VM's hypervisor is the site's host whose address is the
// machine's IP (or whose name it is).
//
// The remedy's steps read them as two groups of the `remedy` source:
//   @remedy:vms    the VMs, folded (admin1,batch[1-2])
//   @remedy:hosts  their hypervisors, folded (top2,worker01)
// through the ordinary node sets and command templates of `run` steps
// (`on: "@remedy:hosts"`, `{{ nodes("@remedy:vms", format="pcocc-vm-%s.service") }}`).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// The objects one remedy attempt acts on. A plain value.
struct RemedyObjects {
  struct Vm {
    std::string state;    ///< fleet sub-state: running, start-pre, ...
    std::string machine;  ///< as fleet lists it ("ID/IP", "-")
    std::string host;     ///< the site's host; empty when no host has that address
  };
  std::map<std::string, Vm> vms;  ///< by VM name

  bool empty() const { return vms.empty(); }
  /// The VMs, folded ("admin1,batch[1-2]").
  std::string vms_folded() const;
  /// Their hypervisors known to the site, folded ("top2,worker01").
  std::string hosts_folded() const;
  /// "admin1 (running) on top2, batch1 (running) on worker01"; a VM whose
  /// machine is no host of the site: "lnet1 (running) on 3f0e.../10.9.9.9 (no host of the site)".
  std::string describe() const;
};

/// The objects that keep a gate red, from the latest results of its red
/// checks (`results`, none null): every "vm_red" fact whose state is one of
/// `remedy.states`, placed by its "vm_machine" fact. Pure.
RemedyObjects remedy_objects(const std::vector<const checks::CheckResult*>& results,
                             const Remedy& remedy, const config::Site& site);

/// The site's host fleet's machine column ("ID/IP", "ID.../IP" or "ID")
/// stands for: the host whose address is IP, or whose name is IP. Empty
/// when none ("-", an address no host has).
std::string host_of_machine(std::string_view machine, const config::Site& site);

/// The `remedy` group source for `objects`: groups vms and hosts.
std::shared_ptr<GroupSource> remedy_groups(const RemedyObjects& objects);

/// The groups of an attempt as a record of its own keeps them, after the
/// attempt's start: "groups @remedy:vms=admin1 @remedy:hosts=top2" (folded
/// node sets, plain names: no blank inside).
std::string journaled_groups(const RemedyObjects& objects);
/// Those groups read back from such a record's text (the `remedy` source
/// the attempt's steps read); nullptr when the text is not one.
std::shared_ptr<GroupSource> remedy_groups_from_journal(std::string_view detail);

/// The record an attempt journals before step `number` (1-based) runs:
/// "step N started on NODES: COMMAND".
std::string journaled_step_start(std::size_t number, const std::string& nodes,
                                 const std::string& command);
/// N read back from such a record's text; nullopt when the text is not
/// one (another record of the attempt, or damaged).
std::optional<std::size_t> step_started_in(std::string_view detail);

}  // namespace greenlight::runbook
