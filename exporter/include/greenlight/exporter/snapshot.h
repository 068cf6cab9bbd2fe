// What the HTTP server shows: the checks' results, read from the one result
// store (checks/result_store.h) as an immutable version, and the state of
// runs and gates, written by the runbook executor's thread. Read by the HTTP
// server's threads; scrapes never wait on a check.
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

namespace greenlight::exporter {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// A gate as the runbook executor publishes it. status: "green", "red" or
/// "unknown"; waiting_since is set while a phase waits on it.
struct GateState {
  std::string name;
  std::string run;
  std::string phase;
  std::string status;
  std::string message;
  std::vector<std::string> checks;
  std::optional<std::chrono::system_clock::time_point> waiting_since;
  /// The gate's last remedy in this wait's phase ("attempt 1 of 2: admin1
  /// (running) on top2: ok"); empty when none ran.
  std::string remedy{};
};

/// The remedies of one gate of a run: how many started and the last one.
struct RemedyState {
  std::string phase;
  std::string gate;
  int attempts = 0;
  std::string last;
};

/// One step of a phase. name: its number in the phase ("1", "2"...);
/// state: one of kPhaseStates; message: what it printed or why it failed;
/// kind: run, power, confirm, manual, save_group, self_poweroff; duration:
/// of its last attempt (so far, while it runs), when it ran in this process.
struct StepState {
  std::string name;
  std::string state;
  std::string message;
  std::string kind;
  std::optional<std::chrono::milliseconds> duration;
};

/// One phase of a run. state: one of kPhaseStates.
struct PhaseState {
  std::string name;
  std::string state;
  std::optional<std::chrono::system_clock::time_point> started;
  std::optional<std::chrono::system_clock::time_point> finished;
  std::vector<StepState> steps;
};

/// A run of a runbook. state: one of kRunStates; message: why it waits or
/// paused, empty while it simply runs.
struct RunState {
  std::string id;
  std::string runbook;
  std::string state;
  std::chrono::system_clock::time_point started{};
  std::vector<PhaseState> phases;
  std::string message;
  /// Nodes excluded from every step and gate of the run (`--exclude`),
  /// folded, with who excluded them ("worker04 by uid 0 (root) pid 42"); empty when none.
  std::string excluded;
  std::vector<RemedyState> remedies{};  ///< gates whose remedy ran, in the order they first ran
};

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

/// The states a run can be in (one greenlight_run_state series each):
/// running a step, waiting on a gate, asking the operator a question, left
/// paused, done, aborted, stopped because greenlight's host powers off.
inline constexpr const char* kRunStates[] = {"running", "waiting", "asking",     "paused",
                                             "done",    "aborted", "powered-off"};

/// The states a phase can be in (one greenlight_run_phase_state series each).
inline constexpr const char* kPhaseStates[] = {"pending", "waiting", "running",
                                               "done",    "failed",  "skipped"};

/// Thread-safe: publish() and publish_readiness() from the io_context's
/// thread, every reader from any thread (the HTTP server's).
class Snapshot {
 public:
  /// Shows the checks of `results`, which must outlive it.
  explicit Snapshot(const checks::ResultStore& results) : results_(results) {}

  /// The checks as they are now: one immutable version of the store, not a
  /// copy of it.
  std::shared_ptr<const checks::ResultsVersion> checks() const { return results_.current(); }
  /// True once every site's check has a result (ResultsVersion::complete).
  bool complete() const { return checks()->complete(); }

  /// Called by the runbook executor on every transition; until then both
  /// lists are empty ("no run").
  void publish(std::vector<RunState> runs, std::vector<GateState> gates);
  std::vector<RunState> runs() const;
  std::vector<GateState> gates() const;

  /// Replaces the readiness of the site's runbooks, judged now (greenlight
  /// serve, as its checks' results come in). No metric reads it: version()
  /// is unchanged.
  void publish_readiness(std::vector<RunbookReadiness> runbooks);
  Readiness readiness() const;
  /// Changes with every version of the result store and every publish: a
  /// body built from the same version is still current (apart from run
  /// durations).
  std::uint64_t version() const;

 private:
  const checks::ResultStore& results_;
  mutable std::mutex mutex_;
  std::uint64_t version_ = 0;  ///< publications
  std::vector<RunState> runs_;
  std::vector<GateState> gates_;
  Readiness readiness_;
};

}  // namespace greenlight::exporter
