#include "greenlight/control/serve_service.h"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <stdexcept>

#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::control {
namespace {

// What the operator does next with a run in `state`.
std::string next_command(const runbook::UnfinishedRun& run) {
  // At serve's start, an executing run is in a process of its own: its
  // terminal follows it, attach does not.
  if (run.holder.pid != 0) return runbook::holder_advice(run.run, run.holder);
  return fmt::format(
      "not resumed by serve: greenlight runbook status {}, then greenlight runbook "
      "resume {} (or abort {})",
      run.run, run.run, run.run);
}

}  // namespace

void notify_service_manager(const std::string& state) {
  // sd_notify returns 0 without a $NOTIFY_SOCKET, negative when it fails:
  // neither changes what serve does.
  (void)::sd_notify(0, state.c_str());
}

UnfinishedRunsReport unfinished_runs_report(const config::Site& site) {
  UnfinishedRunsReport report;
  try {
    const auto runs = runbook::unfinished_runs(runbook::RunStore(runbook::runs_directory(site, "")), "");
    for (const auto& run : runs) {
      report.lines.push_back(
          fmt::format("run {} is {}: {}", run.run, runbook::name_of(run.standing),
                      next_command(run)));
    }
    report.status =
        runs.empty()
            ? "no unfinished run"
            : fmt::format("run {} is {}{}", runs.front().run,
                          runbook::name_of(runs.front().standing),
                          runs.size() > 1 ? fmt::format(" ({} more unfinished)", runs.size() - 1)
                                          : std::string());
  } catch (const std::exception& error) {
    report.lines.push_back(fmt::format("cannot list the runs in {}: {}",
                                       runbook::runs_directory(site, "").string(), error.what()));
    report.status = "cannot list the runs";
  }
  return report;
}

}  // namespace greenlight::control
