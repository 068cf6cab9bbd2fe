// The runs and gates the exporter shows, collected from their source at
// each request: prometheus-cpp's Collectable is the model. The exporter
// calls collect(); the module that executes the runs (control, in
// greenlight serve) answers with its latest publication, already in words
// (the words of a run's state come from their one owner, runbook, through
// the source: the exporter depends on no module above checks).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace greenlight::exporter {

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

/// A run of a runbook. state: one of CollectedRuns::run_states; message:
/// why it waits or paused, empty while it simply runs.
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

/// The states a phase and a step can be in (one greenlight_run_phase_state
/// and greenlight_run_step_state series each): the exporter's words, which
/// the source maps its phases and steps to.
inline constexpr const char* kPhaseStates[] = {"pending", "waiting", "running",
                                               "done",    "failed",  "skipped"};

/// One collection: what the source last published. Immutable.
struct CollectedRuns {
  /// Greater in each later publication of the same source: a body built
  /// from the same number is still current (apart from durations).
  std::uint64_t number = 0;
  /// Every word a run's state may be, in the order of the series of
  /// greenlight_run_state (one per word, 1 for the run's own).
  std::vector<std::string> run_states;
  std::vector<RunState> runs;
  /// The gates the runs wait on.
  std::vector<GateState> gates;
};

/// A source of runs and gates for the exporter.
class RunCollectable {
 public:
  virtual ~RunCollectable() = default;
  /// The latest publication, never null. Called from the HTTP server's
  /// threads, concurrently, at each request: returns at once (it never
  /// waits on the thread that executes the runs).
  virtual std::shared_ptr<const CollectedRuns> collect() const = 0;
};

}  // namespace greenlight::exporter
