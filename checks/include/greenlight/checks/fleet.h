// fleetctl list-units: parser, verdict and the facts behind the `vm`
// dynamic group source (@vm:running, @vm:dead, ...).
//
// Format (coreos/fleet fleetctl/list_units.go and fleetctl.go): one line per
// unit state, the fields asked with --fields joined by '\t' and written
// through a text/tabwriter with padchar '\t' (so one or more tabs separate
// columns), a "-" for an absent value, an uppercase legend line unless
// --no-legend. The machine field is "MACHINEID/PUBLICIP", the ID shortened
// to 8 characters plus "..." unless --full.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

struct FleetUnit {
  std::string unit;     ///< "pcocc-vm-admin1.service"
  std::string machine;  ///< "ID/IP" or "-"
  std::string active;   ///< systemd ActiveState: active, inactive, failed, activating, ...
  std::string sub;      ///< systemd SubState: running, dead, failed, ...
  std::string load;     ///< only when the "load" field was asked
};

/// The columns given to --fields, in order. Default: unit,machine,active,sub.
/// Accepted names: unit, machine, active, sub, load, hash. A line with another
/// column count, or a field list without "unit", is a ParseError naming the
/// line. A legend line is skipped. Empty output is an empty list (fleet knows
/// no unit).
Parsed<std::vector<FleetUnit>> parse_fleet_units(std::string_view output,
                                                 const std::vector<std::string>& fields = {
                                                     "unit", "machine", "active", "sub"});

/// Without an active column (`--fields unit,sub`) the sub-state decides:
/// running, or dead/failed for stopped.
enum class UnitExpectation {
  running,  ///< every unit active/running
  stopped,  ///< every unit absent, inactive or failed
  any,      ///< no expectation: facts and samples only
};

struct FleetExpectation {
  /// VM names (an expanded node set); their units are `unit_format` with
  /// "%s" replaced by the name.
  std::vector<std::string> vms;
  std::string unit_format = "pcocc-vm-%s.service";
  UnitExpectation expect = UnitExpectation::running;
  /// A unit-name prefix ("pcocc-vm-"): every listed unit starting with it
  /// that is not one of `vms` must be stopped too (a VM started outside the
  /// expected list). Empty: not checked.
  std::string no_other_active;
  /// VM names whose units `no_other_active` lets run (the DNS VMs while the
  /// others are stopped).
  std::vector<std::string> active_allowed;
  /// The site's hosts by address and by name, so that a message names the
  /// hypervisor of fleet's machine ("ID/IP") rather than its address.
  std::map<std::string, std::string, std::less<>> hosts;
};

/// The site's hosts by address and by name (FleetExpectation::hosts).
std::map<std::string, std::string, std::less<>> machine_hosts(const config::Site& site);

/// The site host fleet's machine column ("ID/IP", "ID.../IP" or "ID")
/// stands for, from `hosts` (FleetExpectation::hosts): the host whose
/// address or name is IP. Empty when none ("-", an address no host has).
std::string host_of_machine(std::string_view machine,
                            const std::map<std::string, std::string, std::less<>>& hosts);

/// The groups of the `vm` group source that exist even when no VM is in
/// them: the systemd sub-states fleet reports for a unit (running, dead,
/// failed, exited, auto-restart, start*, stop*, final-*, reload) and
/// "unscheduled" (fleet's "-").
const std::vector<std::string>& fleet_vm_groups();

/// The unit of `vm` under `format` ("%s" replaced once). Empty when the
/// format does not hold exactly one "%s".
std::string unit_name(std::string_view format, std::string_view vm);
/// The VM of `unit` under `format`, or empty when it does not match.
std::string vm_name(std::string_view format, std::string_view unit);

/// Verdict. Facts: kind "vm", subject VM name, value the unit's sub-state,
/// "unscheduled" when fleet prints "-" (for every listed unit matching the
/// format: the `vm` group source, see FactGroupSource),
/// kind "unit", subject unit, value "active/sub"; kind "vm_machine", subject
/// VM, value its machine as listed ("ID/IP", "-" when unplaced); kind
/// "vm_red", subject VM, value its sub-state, for each VM whose unit keeps
/// the check red (not in the expected state, or active under
/// `no_other_active`): what a gate's remedy acts on. Samples:
/// greenlight_fleet_unit_running{unit} 0/1 for every expected or listed unit.
/// A non-zero exit status, or no VM expected (running or stopped) and no
/// `no_other_active` prefix, is unknown. Evidence rule: with a running or
/// stopped expectation, an empty listing is unknown; an expected unit fleet
/// does not list is critical when expected running and unknown (named, never
/// counted as stopped) when expected stopped; a unit under
/// `no_other_active` that is not stopped is critical, named with its machine.
CheckResult fleet_units_verdict(const std::vector<FleetUnit>& units, const FleetExpectation& expect,
                                int exit_status);

}  // namespace greenlight::checks
