// `greenlight runbook plan`: every phase, gate and command of a runbook,
// expanded against the site's static groups, without touching any host.
// plan_runbook() resolves it once; render_plan() prints that as text and
// `plan -o json` prints the same value as JSON, so both say the same thing.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// What `plan` is told about the run it shows.
struct PlanOptions {
  /// --exclude NODES: removed from every step and gate, as exec does.
  std::string exclude;
  /// The groups `exclude` is read with, as exec reads it when the run
  /// starts (the site's and the dynamic sources', runbook_groups): a
  /// dynamic group (@vm:dead) there is read now, not at each step. Null:
  /// the site's groups only. Not owned; outlives plan_runbook().
  const GroupResolver* exclusion_groups = nullptr;
  /// --from-run RUN: the @run: groups that run saved (saved_groups_of), which
  /// a new run started with --from-run RUN begins with; `from_run` names it.
  std::map<std::string, std::string> run_groups;
  std::string from_run;
};

/// The nodes and command of a run, power, save_group or self_poweroff step
/// as exec resolves them now (resolve_step, step_nodes).
struct PlannedJobs {
  /// resolve_step succeeded: `nodes` and `command` are what exec runs.
  /// False: a node set is known only at run time (or there are too many
  /// nodes, `refused`): what is known is shown.
  bool resolved = false;
  /// The nodes, exclusions removed; nullopt when known only at run time.
  std::optional<NodeSet> nodes;
  /// The node set as written ("@vm:running -x self"), shown when `nodes` is not known.
  std::string written;
  bool nothing_to_do = false;  ///< a node set is empty: exec skips the step
  std::string skip_reason;     ///< with nothing_to_do: empty_reason()
  std::string refused;         ///< more nodes than the ceiling: why; empty otherwise
  /// The first node's command (shell text), or the command as written when
  /// `resolved` is false. Empty for save_group.
  std::string command;
  std::size_t jobs = 0;  ///< commands exec starts (one per node); 0 when not resolved
};

struct PlannedStep {
  int number = 0;    ///< 1-based, in its phase or remedy
  Step step;         ///< as written (a remedy's: as the gate's rewriting left it)
  PlannedJobs jobs;  ///< run, power, save_group, self_poweroff
  /// save_group: the node set as written that it saves (its `on`, or its
  /// `fallback` when the run lacks `missing_group`).
  std::string saves;
  std::string missing_group;  ///< save_group: the @run: group this run lacks; empty when none
};

struct PlannedGate {
  bool require = false;  ///< `require` (before the steps); false: `wait_for` (after)
  /// As exec waits on it: node sets minus the run's exclusion when they
  /// resolve now; as written otherwise (`exclusion_at_run_time`).
  Gate gate;
  bool exclusion_at_run_time = false;
  std::vector<PlannedStep> remedy_steps;  ///< gate.remedy's steps, resolved
};

struct PlannedPhase {
  int number = 0;                ///< 1-based
  const Phase* phase = nullptr;  ///< owned by the Runbook
  std::vector<PlannedGate> require;
  std::vector<PlannedStep> steps;
  std::vector<PlannedGate> wait_for;
};

/// A runbook resolved for one run. Points into the Runbook, which must
/// outlive it.
struct Plan {
  const Runbook* book = nullptr;
  std::string self;  ///< the site's own host, where power and self_poweroff commands run
  std::string from_run;
  std::map<std::string, std::string> run_groups;  ///< --from-run's @run: groups
  std::optional<NodeSet> excluded;                ///< --exclude, resolved
  std::vector<PlannedPhase> phases;
};

/// Resolves `book` against `site` as exec would start it now. Node sets
/// from groups that only exist while running (@vm:..., @run:... not given
/// by --from-run) are left as written; a save_group step with a `fallback`
/// saves the @run: group when this run has it (saved earlier in the same
/// run, or by --from-run), the fallback otherwise. Throws
/// std::runtime_error when `options.exclude` is not a node set.
Plan plan_runbook(const Runbook& book, const config::Site& site, const PlanOptions& options = {});

/// The plan as text for the operator.
std::string render_plan(const Plan& plan);

/// A duration as a runbook writes it, in its largest whole unit: "0s",
/// "250ms", "90s", "5m", "1h". Pure.
std::string duration(std::chrono::milliseconds ms);

/// The plan as a Graphviz digraph (DOT source, UTF-8, ending in a newline)
/// for `plan -o dot`: one `subgraph "cluster_N"` per phase, in order; in it
/// the phase's `require` gates (hexagons), its steps (boxes; notes for
/// confirm and manual, a folder for save_group, box3d for power) with their
/// node sets and commands as resolved in `plan`, its `wait_for` gates, and
/// each gate's remedy steps (dashed). Edges follow the order exec runs them
/// in; a remedy's edges are dashed. Every identifier and label is quoted by
/// dot_quoted(), so any text in the runbook gives valid DOT.
std::string render_plan_dot(const Plan& plan);

/// `text` as a DOT quoted string, quotes included: `"` and `\` escaped, a
/// newline as \l (a left-justified line break), other control bytes
/// shown as the text \xNN, bytes that are not UTF-8 as U+FFFD.
std::string dot_quoted(std::string_view text);

/// render_plan(plan_runbook(book, site, options)).
std::string render_plan(const Runbook& book, const config::Site& site,
                        const PlanOptions& options = {});

}  // namespace greenlight::runbook
