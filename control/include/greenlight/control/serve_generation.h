// What greenlight serve runs under one loaded configuration (a generation)
// and the service that swaps generations on SIGHUP: the checks on their
// schedule, the result store they write (which the exporter reads), the
// readiness the exporter collects, the place where runs
// submitted on the control socket execute, and the runbooks' readiness
// judged again as results come in (control/published_readiness.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "greenlight/checks/check.h"
#include "greenlight/checks/result_store.h"
#include "greenlight/checks/scheduler.h"
#include "greenlight/checks/verdict_log.h"
#include "greenlight/control/daemon_runs.h"
#include "greenlight/core/asio.h"
#include "greenlight/core/config.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/exporter/snapshot.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::control {

/// Logs each error of `diagnostics` as a line of its own at level error
/// ("FILE:LINE:COL: message"). Any thread.
void log_errors(const config::Diagnostics& diagnostics);

/// One loaded configuration and the scheduler running its checks. A
/// replaced generation is stopped but kept until serve exits: runs still in
/// flight hold references to its checks.
struct Generation {
  config::Site site;
  std::shared_ptr<GroupResolver> groups;
  std::vector<std::unique_ptr<checks::Check>> checks;
  std::unique_ptr<SiteRunner> runner;  ///< with this generation's ssh settings
  std::unique_ptr<checks::Scheduler> scheduler;
  // What runs started under this configuration use.
  std::vector<runbook::Runbook> books;
  std::string runbook_errors;                 ///< not empty: no run may start
  std::shared_ptr<GroupResolver> run_groups;  ///< with the fleet checks' @vm: sources
  std::unique_ptr<runbook::SchedulerResults> results;
  /// The readiness report's: dynamic sources only from results already in
  /// the store (add_stored_groups), so judging never runs a command on the
  /// loop's thread. This and run_groups are made by Service::run.
  std::shared_ptr<GroupResolver> readiness_groups;
};

/// Reads and validates the configuration at `path`; nullptr with the errors
/// (each with file:line:col) in `diagnostics` when it is not valid. Errors of
/// its runbooks alone do not refuse it: they are logged and kept in
/// `runbook_errors` (no run may start under it).
std::unique_ptr<Generation> load_generation(const std::string& path,
                                            config::Diagnostics& diagnostics);

/// The running generation and those it replaced. Everything on the
/// io_context's thread, but for collect_readiness() (any thread).
class Service : public exporter::ReadinessCollectable {
 public:
  /// Keeps a reference to `io`, which must outlive it; every generation's
  /// scheduler writes into `results` (the store the exporter reads).
  Service(asio::io_context& io, std::shared_ptr<checks::ResultStore> results)
      : io_(io), results_(std::move(results)), readiness_timer_(io) {}

  /// Declares the generation's checks in the result store (those of the
  /// previous one with the same name and kind keep their results) and
  /// starts them; the previous generation stops and its late results are
  /// ignored.
  void run(std::unique_ptr<Generation> next);

  const config::Site& site() const { return current_->site; }
  /// The address the server listens on, once it is known (port 0): the
  /// status URL of notifications.
  void set_listen(const std::string& listen) { current_->site.exporter.listen = listen; }
  /// Not empty when the running configuration's runbooks have errors.
  const std::string& runbook_errors() const { return current_->runbook_errors; }

  /// Where a run submitted now executes: this configuration's runbooks,
  /// runner and scheduler.
  control::RunPlace place() const;

  /// Stops the checks; results that arrive later are dropped.
  void stop();

  /// The runbooks' readiness as last judged (within a second of each
  /// result; not judged before the first). Any thread: the exporter
  /// collects it at each request.
  std::shared_ptr<const exporter::Readiness> collect_readiness() const override;

 private:
  // Results come in bursts (every check at start): one judgement per second
  // at most.
  void judge_readiness_soon();

  asio::io_context& io_;
  std::shared_ptr<checks::ResultStore> results_;
  mutable std::mutex readiness_mutex_;  ///< held only to copy or replace `readiness_`
  std::shared_ptr<const exporter::Readiness> readiness_ =
      std::make_shared<const exporter::Readiness>();
  std::unique_ptr<Generation> current_;
  std::vector<std::unique_ptr<Generation>> retired_;
  unsigned generation_ = 0;
  asio::steady_timer readiness_timer_;
  bool readiness_pending_ = false;
  checks::VerdictLog verdicts_;
  bool stopping_ = false;  ///< serve is stopping: late results are dropped
};

}  // namespace greenlight::control
