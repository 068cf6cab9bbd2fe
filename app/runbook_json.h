// The JSON documents of `greenlight runbook list | plan | check | status | log
// -o json` (docs/json.md; their schemas are docs/schema/runbook-*.v1.json).
#pragma once

#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/readiness.h"
#include "greenlight/runbook/runbook.h"
#include "output.h"
#include "run_report.h"

namespace greenlight::app {

/// greenlight/runbook-list/v1: the site's runbooks.
JsonDocument list_json(const std::vector<runbook::Runbook>& books);

/// greenlight/runbook-plan/v1: what exec would run (runbook::plan_runbook).
JsonDocument plan_json(const runbook::Plan& plan);

/// greenlight/runbook-check/v1: which gates would block now, once judged
/// (runbook::judge_readiness).
JsonDocument check_json(const runbook::ReadinessReport& report);

/// greenlight/runbook-runs/v1: the runs of the directory `runs`.
JsonDocument runs_json(const std::string& runs, const std::vector<RunListing>& listing);

/// greenlight/runbook-run/v1: one run phase by phase.
JsonDocument run_json(const RunReport& report);

/// greenlight/runbook-log/v1: run `run`'s journal, record by record.
JsonDocument log_json(const std::string& run, const std::vector<runbook::JournalRecord>& records);

}  // namespace greenlight::app
