// What the HTTP server shows: the checks' results, read from the one result
// store (checks/result_store.h) as an immutable version, the runs and gates
// collected from their source (run_collectable.h), and the readiness of the
// site's runbooks as serve last judged it, collected likewise. Read by the
// HTTP server's threads; a request never waits on a check or a run, and
// nothing is pushed into it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/result_store.h"
#include "greenlight/exporter/run_collectable.h"

namespace greenlight::exporter {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// One check behind a gate as `runbook check` judges it now
/// (runbook/readiness.h). status: "OK", "WARNING", "CRITICAL", "UNKNOWN";
/// evidence: when the result it was judged on was complete, nullopt when
/// there is none (the check was not evaluated or could not be built).
struct ReadinessCheckState {
  std::string check;      ///< the site's check
  std::string evaluated;  ///< the gate's check as exec builds it
  std::string nodes;      ///< "vms=a[1-2] peers=top[1-3]"; empty when none
  std::string status;
  std::string message;
  bool blocks = false;
  std::string why;  ///< when it blocks
  std::optional<std::chrono::system_clock::time_point> evidence;
};

/// A gate of a runbook and whether it would block if the runbook started now.
struct ReadinessGateState {
  std::string gate;
  std::string phase;
  std::string description;
  bool before_first_step = false;  ///< must be green now, not only able to look
  bool blocks = false;
  std::vector<ReadinessCheckState> checks;
};

/// One runbook of the site: summary is "ready: ..." or "would block at gate
/// G (phase P) because ..." (runbook::ReadinessReport::summary).
struct RunbookReadiness {
  std::string runbook;
  bool blocks = false;
  std::string summary;
  std::vector<ReadinessGateState> gates;
  /// The oldest evidence the summary rests on (the earliest `evidence` of
  /// its checks); nullopt when no check has any.
  std::optional<std::chrono::system_clock::time_point> oldest_evidence{};
};

/// Every runbook of the site, as greenlight serve last judged them.
struct Readiness {
  std::optional<std::chrono::system_clock::time_point> judged;  ///< nullopt: not yet
  std::vector<RunbookReadiness> runbooks;
};

/// A source of the readiness of the site's runbooks for the exporter,
/// collected at each request (as runs are, RunCollectable).
class ReadinessCollectable {
 public:
  virtual ~ReadinessCollectable() = default;
  /// The latest judgement, never null. Called from the HTTP server's
  /// threads, concurrently: returns at once.
  virtual std::shared_ptr<const Readiness> collect_readiness() const = 0;
};

/// Thread-safe: collect_runs() and collect_readiness() from any thread
/// (serve's main thread, before the server starts), every reader from any
/// thread (the HTTP server's).
class Snapshot {
 public:
  /// Shows the checks of `results`, which must outlive it.
  explicit Snapshot(const checks::ResultStore& results) : results_(results) {}

  /// The checks as they are now: one immutable version of the store, not a
  /// copy of it.
  std::shared_ptr<const checks::ResultsVersion> checks() const { return results_.current(); }
  /// True once every site's check has a result (ResultsVersion::complete).
  bool complete() const { return checks()->complete(); }

  /// Collects the runs and gates from `runs` at each request from now on;
  /// nullptr (the default): no run. `runs` must outlive every reader.
  void collect_runs(const RunCollectable* runs);
  /// The runs and gates as their source has them now (never null; empty
  /// lists without a source).
  std::shared_ptr<const CollectedRuns> runs() const;

  /// Collects the readiness of the site's runbooks from `readiness` at
  /// each request from now on; nullptr (the default): not judged. It must
  /// outlive every reader. No metric reads it: version() ignores it.
  void collect_readiness(const ReadinessCollectable* readiness);
  /// The readiness as its source last judged it (never null; not judged,
  /// with no runbook, without a source).
  std::shared_ptr<const Readiness> readiness() const;
  /// Changes with every version of the result store and every publication
  /// of the runs' source: a body built from the same version is still
  /// current (apart from run durations).
  std::uint64_t version() const;

 private:
  const checks::ResultStore& results_;
  mutable std::mutex mutex_;
  const RunCollectable* runs_ = nullptr;
  const ReadinessCollectable* readiness_ = nullptr;
};

}  // namespace greenlight::exporter
