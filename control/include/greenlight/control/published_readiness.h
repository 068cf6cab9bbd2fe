// What the exporter shows of readiness (/api/v1/readiness and the status
// page's Readiness section): `greenlight runbook check` for every runbook of
// the site, judged on greenlight serve's scheduler instead of running the
// checks, and turned into the exporter's RunbookReadiness.
#pragma once

#include <string>
#include <vector>

#include "greenlight/checks/scheduler.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/exporter/snapshot.h"
#include "greenlight/runbook/readiness.h"

namespace greenlight::control {

/// The exporter's view of one report (pure).
exporter::RunbookReadiness readiness_state(const runbook::ReadinessReport& report);

/// Every runbook of `books` judged now (runbook::plan_readiness, then
/// judge_readiness) on the latest results of `scheduler`. A check the
/// scheduler does not run (a gate's own check before any run waited on
/// it) or has not finished yet is UNKNOWN "not evaluated yet", never OK.
/// `groups` must resolve dynamic groups without running anything (sources
/// fed by the scheduler's results): this runs on the io_context's thread.
std::vector<exporter::RunbookReadiness> judge_runbooks(const config::Site& site,
                                                       const GroupResolver& groups,
                                                       const std::vector<runbook::Runbook>& books,
                                                       const checks::Scheduler& scheduler);

}  // namespace greenlight::control
