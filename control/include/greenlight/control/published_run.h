// What the exporter shows of a run: the executor's RunSnapshot turned into
// the exporter's RunState and GateState (/metrics, /api/v1/runs,
// /api/v1/gates and the status page read those). Pure functions, so the
// mapping of every state is tested without a server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "greenlight/exporter/run_collectable.h"
#include "greenlight/runbook/run_snapshot.h"

namespace greenlight::control {

using SystemTime = std::chrono::system_clock::time_point;

/// Every word a run's state may be (runbook's to_string of each of
/// runbook::kRunSnapshotStates, in that order): the states the exporter
/// gives a series each (CollectedRuns::run_states). Pure.
std::vector<std::string> run_state_words();

/// The run as the exporter shows it. `started`: when the run started;
/// `now`: the time the snapshot was taken. Phase times come from the
/// snapshot's durations; `previous` (the last publication of the same run,
/// or nullptr) keeps a phase's start fixed from one publication to the next.
/// Phases done before this process took the run have no times.
exporter::RunState published_run(const runbook::RunSnapshot& run, SystemTime started,
                                 SystemTime now, const exporter::RunState* previous = nullptr);

/// The gate the run waits on (none when it does not wait): green, red (a
/// check of it is red) or unknown (no fresh result yet), why, its checks
/// (each named as the gate reads it: its key, the name of its results in
/// the result store) and since when the phase waits.
std::vector<exporter::GateState> published_gates(const runbook::RunSnapshot& run, SystemTime now);

}  // namespace greenlight::control
