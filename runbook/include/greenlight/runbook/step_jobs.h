// What a run or power step does on which nodes, computed by one function for
// `runbook plan`, `runbook exec --dry-run` and `runbook exec` alike: the plan
// an operator approves is what runs.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/power.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// One command of a step. A run step's command runs on `node` (locally when
/// the node is greenlight's own host, over SSH otherwise); a power step's
/// command runs on greenlight's own host against `node`'s BMC (`on_self`).
struct StepJob {
  std::string node;
  std::string command;  ///< shell text, as `sh -c` receives it
  bool on_self = false;
};

/// A run or power step resolved against the site and the groups as they are now.
struct ResolvedStep {
  NodeSet nodes;                         ///< the step's nodes, exclusions removed
  std::vector<StepJob> jobs;             ///< one per node, in the node set's order
  std::chrono::milliseconds timeout{0};  ///< per command; the site's when the step names none
  /// The step's node set, or a node set its command expands, is empty: the
  /// step has nothing to do (jobs is empty).
  bool nothing_to_do = false;
  /// With nothing_to_do: the node set that is empty, as written
  /// ("@vm:running", "@island_worker -x self"), for the journal and the plan.
  std::string empty_set;
};

/// Why a step over an empty set is skipped: "@vm:running is empty", journaled
/// as the step-skipped record's detail and shown by status.
std::string empty_reason(const ResolvedStep& resolved);

/// The nodes a step acts on: `on` minus `exclude`, "self" standing for
/// greenlight's own host in either, minus `excluded` (the run's
/// `--exclude`; may be null). Throws std::runtime_error naming the node set
/// when a group cannot be resolved.
NodeSet step_nodes(const Step& step, const config::Site& site, const GroupResolver& groups,
                   const NodeSet* excluded = nullptr);

/// The jobs of a run or power step. `only_nodes` (a node set) replaces the
/// step's nodes (retry of the failed nodes). `excluded` (may be null) is
/// removed from the nodes and from every node set of the command. Throws std::runtime_error (a
/// group that cannot be resolved, a node without a BMC address) or
/// TemplateError; the caller decides whether that is "resolved at run time"
/// (plan, dry run) or a failed step (exec).
ResolvedStep resolve_step(const Step& step, const config::Site& site, const GroupResolver& groups,
                          const std::optional<std::string>& only_nodes = std::nullopt,
                          const NodeSet* excluded = nullptr);

/// The first @run:NAME that node set `text` reads and `saved` (the run's
/// @run: groups, name -> nodes) lacks; empty when it reads none missing.
/// A save_group step's `fallback` replaces its nodes then.
std::string missing_run_group(const std::string& text,
                              const std::map<std::string, std::string>& saved);

/// The site's BMC command for one node and action (greenlight/core/power.h).
using greenlight::power_command;

}  // namespace greenlight::runbook
