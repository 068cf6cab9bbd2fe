// The site's power command (`power: {command: ...}`): how greenlight drives
// a node's BMC, for runbook `power` steps and for the power check alike.
#pragma once

#include <string>

#include "greenlight/core/config.h"

namespace greenlight {

/// The site's power command for one node and action (`on`, `off`,
/// `status`, `cycle`): `{node}`, `{bmc}` (the host's `bmc` address) and
/// `{action}` substituted, every substituted word shell-quoted; shell text
/// run on greenlight's own host. Throws std::runtime_error naming the node
/// when the command needs `{bmc}` and the node has no BMC address. Pure.
std::string power_command(const config::Site& site, const std::string& node,
                          const std::string& action);

}  // namespace greenlight
