// The parts of the site a runbook's run depends on, one line each, added to
// the run's outline (run_outline.h): an edit of them while the run is
// paused (a gate's check pointed at another volume, a group that gained a
// hypervisor, a host's BMC address changed) is a change of the run, which
// resume refuses as it refuses an edited runbook.
#pragma once

#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook::detail {

/// Lines, each starting with "site ", in this order: the definition of
/// every check a gate reads ("site check NAME: kind K; host H; interval
/// Nms; jitter Nms; timeout Nms; command [...]; pass_environment [...];
/// {parameters}", keys sorted); every group of the site's sources that the
/// steps' node sets and commands, and the parameters of those checks and
/// the gates' overrides (fping's targets: "@top") name, with its nodes as
/// the source maps it ("site group @SOURCE:NAME: NODES"); the host `self`
/// names; every host of `hosts:` those node sets name, with
/// its address, user, port and BMC; the ssh settings when a step runs
/// commands and the power settings when one powers nodes. Groups read at
/// run time (@run:, @remedy:, a check's dynamic source) are not listed:
/// they are journaled when the run reads them. Pure but for the group
/// sources' answers (an external upcall runs); never throws.
std::vector<std::string> site_outline(const Runbook& book, const config::Site& site);

}  // namespace greenlight::runbook::detail
