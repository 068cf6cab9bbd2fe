// Runbooks: ordered phases, each with gates that must be green before it
// starts (`require`), steps, and gates that must turn green after its steps
// (`wait_for`). The file format is described in docs/runbooks.md.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/runbook/command_template.h"

namespace greenlight::runbook {

using std::chrono::milliseconds;

/// One check a gate reads, with the expectation it must meet ("stopped",
/// "started", "clean"...) and parameters that override the check's own for
/// this gate (e.g. the VMs a fleet gate looks at).
struct GateCheck {
  std::string check;
  std::string expect;
  config::Value overrides;  ///< a mapping; empty when none
  /// How long this check must have been green for the gate to open; unset:
  /// the gate's `stable_for`. For a check whose own verdict already holds
  /// a wait (prometheus_alerts' min_uptime), or one that needs longer.
  std::optional<milliseconds> stable_for;
  config::Mark mark;
};

enum class StepKind { kRun, kPower, kConfirm, kManual, kSaveGroup, kSelfPoweroff };
const char* to_string(StepKind kind);

struct Step {
  StepKind kind = StepKind::kRun;
  /// `id:` (run, power, save_group, self_poweroff): the step's identity for
  /// good, unique in its runbook; empty: its content identifies it
  /// (run_adoption.h).
  std::string id;
  std::string text;     ///< confirm / manual: what the operator reads
  std::string nodes;    ///< run / power / save_group: node set ("self" is the local host)
  std::string exclude;  ///< node set removed from `nodes`
  std::optional<CommandTemplate> command;  ///< run / self_poweroff
  std::string power_action;                ///< power: on / off / status / cycle
  std::string group;                       ///< save_group: name under the `run` source (@run:NAME)
  /// save_group: the node set saved when `nodes` names a @run: group this
  /// run does not have (startup alone: no list saved at shutdown).
  std::string fallback;
  int fanout = 0;                          ///< 0: the site's
  milliseconds timeout{0};                 ///< 0: the site's command timeout
  int retries = 0;
  milliseconds retry_delay{5'000};
  std::vector<int> allowed_exit_codes{0};
  int max_failed_nodes = 0;  ///< failure budget before the step fails
  bool idempotent = false;   ///< may be re-run after a crash without asking
  config::Mark mark;
};

/// What a gate does by itself when it stays red: the procedure's remedy
/// (the stuck VM's "stop fleet on its hypervisor, stop the VM again, start
/// fleet"), run on the objects that keep the gate red (docs/runbooks.md,
/// "Remedies").
struct Remedy {
  /// Still red this long after the gate started waiting (or after the
  /// previous attempt ended): an attempt starts.
  milliseconds after{60'000};
  int attempts = 1;  ///< automatic attempts per wait (an operator's retry starts a new wait)
  /// The fleet sub-states of the VMs a remedy acts on, among those that keep
  /// the gate red (default: running: a VM that is shutting down is left alone).
  std::vector<std::string> states{"running"};
  /// `run` steps, in order; they read the objects as @remedy:vms and
  /// @remedy:hosts. Every step runs even when an earlier one failed (a
  /// later step restores what an earlier one stopped).
  std::vector<Step> steps;
  config::Mark mark;
};

struct Gate {
  std::string name;
  std::string description;
  std::vector<GateCheck> checks;
  milliseconds stable_for{0};     ///< green continuously this long
  milliseconds timeout{600'000};  ///< then the run pauses and asks the operator
  std::string on_timeout;         ///< what to investigate, shown when it times out
  std::optional<Remedy> remedy{};  ///< none: the gate only waits
  config::Mark mark;
};

struct Phase {
  std::string name;
  std::string title;
  std::vector<std::string> require;  ///< gate names
  std::vector<Step> steps;
  std::vector<std::string> wait_for;  ///< gate names
  config::Mark mark;
};

struct Runbook {
  std::string name;
  std::string description;
  std::filesystem::path file;
  std::vector<Gate> gates;
  std::vector<Phase> phases;  ///< with `sequence:`, the phases of the runbooks named, in order
  /// `concurrent_runs: true`: a new run may start while another one of this
  /// runbook has not ended (default false: one at a time).
  bool concurrent_runs = false;
  /// The parts of the site its run depends on, one line each, as loaded
  /// (the checks its gates read, the groups and hosts its steps name, the
  /// ssh and power settings; site_outline.h): part of the run's outline,
  /// so that resume refuses a site edited under a paused run. Empty for a
  /// runbook built in memory.
  std::vector<std::string> site_parts;

  const Gate* gate(std::string_view gate_name) const;
  /// True when a step changes the cluster (run, power, self_poweroff).
  bool destructive() const;
};

/// Every runbook of the site: its runbook directories (*.yaml) and inline
/// runbooks. Errors (file:line:col) go to `diagnostics`; valid runbooks are
/// returned even when others are not.
std::vector<Runbook> load_runbooks(const config::Site& site, config::Diagnostics& diagnostics);

}  // namespace greenlight::runbook
