// Power state of nodes, from their BMCs: the power gates of the restart
// (islet workers and hypervisors off after `poweroff`, on after the power-on
// steps). The chassis power is read with the site's power command and action
// `status` (ipmitool's `chassis power status`: "Chassis Power is off"); a
// ping of the node's address (the site's map, never a name: DNS is down
// when these gates wait) is the second signal. A node that reboots instead
// of powering off keeps its chassis on; one that is cycled reads off for a
// moment: the gate's `stable_for` keeps that from passing for an off.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// The chassis power the status output states: true on, false off.
/// ipmitool prints "Chassis Power is on|off"; any line "... power is
/// on|off" (case-insensitive) is read the same way (nodectrl and other
/// BMC front ends). ParseError when no line says it, or two lines disagree.
Parsed<bool> parse_chassis_power(std::string_view output);

/// What was observed of one node.
struct NodePower {
  std::string node;
  std::string address;  ///< the address pinged (empty: not pinged)
  /// The chassis power; nullopt when the BMC could not be read.
  std::optional<bool> chassis_on;
  std::string chassis_error;  ///< why it could not be read
  /// Whether the address answered ping; nullopt: no ping result for it
  /// (or ping not asked: `address` empty).
  std::optional<bool> answers_ping;
  std::string ping_error;  ///< why there is no ping result
};

enum class PowerGoal { on, off };

/// Verdict over every node asked about. Goal off: green when every chassis
/// reads off and (when pinged) no address answers. A chassis on is
/// critical (`islet01 chassis on`), off but still answering critical, a
/// BMC not read or a ping without result unknown. Goal on: green when
/// every chassis reads on and (when pinged) every address answers; a
/// chassis off is critical, on but not answering yet a warning (booting).
/// No node: unknown. Samples: greenlight_chassis_power_on{node} 1/0 (NaN
/// when the BMC could not be read), greenlight_power_ping_up{node} 1/0 (NaN
/// without result) when pinged. Facts: kind "power", subject node, value
/// on|off|unknown.
CheckResult power_state_verdict(const std::vector<NodePower>& nodes, PowerGoal goal);

}  // namespace greenlight::checks
