// `greenlight runbook plan`: every phase, gate and command of a runbook,
// expanded against the site's static groups, without touching any host.
#pragma once

#include <string>

#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// The plan as text. Node sets from groups that only exist while running
/// (@vm:..., @run:...) are shown as written, marked "resolved at run time".
std::string render_plan(const Runbook& book, const config::Site& site);

}  // namespace greenlight::runbook
