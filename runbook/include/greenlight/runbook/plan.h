// `greenlight runbook plan`: every phase, gate and command of a runbook,
// expanded against the site's static groups, without touching any host.
#pragma once

#include <map>
#include <string>

#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// What `plan` is told about the run it shows.
struct PlanOptions {
  /// --exclude NODES: removed from every step and gate, as exec does.
  std::string exclude;
  /// --from-run RUN: the @run: groups that run saved (saved_groups_of), which
  /// a new run started with --from-run RUN begins with; `from_run` names it.
  std::map<std::string, std::string> run_groups;
  std::string from_run;
};

/// The plan as text. Node sets from groups that only exist while running
/// (@vm:..., @run:... not given by --from-run) are shown as written, marked
/// "resolved at run time"; a save_group step with a `fallback` says which
/// node set it saves: the @run: group when this run has it (saved earlier in
/// the same run, or by --from-run), the fallback otherwise. Throws
/// std::runtime_error when `options.exclude` is not a node set.
std::string render_plan(const Runbook& book, const config::Site& site,
                        const PlanOptions& options = {});

}  // namespace greenlight::runbook
