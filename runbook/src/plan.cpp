#include "greenlight/runbook/plan.h"

#include <fmt/format.h>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/step_jobs.h"

namespace greenlight::runbook {
namespace {

std::string as_written(const Step& step) {
  return step.nodes + (step.exclude.empty() ? "" : " -x " + step.exclude);
}

// A run or power step as resolve_step (the executor's own resolution) sees
// it now; a group known only at run time (fleet's @vm:running, a @run: group
// saved by an earlier step) is left as written.
PlannedJobs plan_jobs(const Step& step, const config::Site& site, const GroupResolver& groups,
                      const NodeSet* excluded) {
  PlannedJobs jobs;
  try {
    const ResolvedStep resolved = resolve_step(step, site, groups, std::nullopt, excluded);
    jobs.resolved = true;
    jobs.nodes = resolved.nodes;
    if (resolved.nothing_to_do) {
      jobs.nothing_to_do = true;
      jobs.skip_reason = empty_reason(resolved);
      return jobs;
    }
    jobs.command = resolved.jobs.front().command;
    jobs.jobs = resolved.jobs.size();
    return jobs;
  } catch (const std::exception& error) {
    // The nodes may resolve now while the command reads a group known only
    // at run time: keep what is known.
    if (step.command) jobs.command = step.command->text();
    try {
      jobs.nodes = step_nodes(step, site, groups, excluded);
      if (jobs.nodes->size() > node_ceiling()) jobs.refused = error.what();
    } catch (const std::exception&) {
      jobs.written = as_written(step);
    }
  }
  return jobs;
}

// Which node set a save_group step saves in this run. Later steps of the
// plan read the @run: group as the run will.
PlannedStep plan_save_group(const Step& step, const config::Site& site, GroupResolver& groups,
                            const NodeSet* excluded, std::map<std::string, std::string>& saved,
                            std::map<std::string, std::string, std::less<>>& resolved) {
  PlannedStep planned;
  const std::string missing = missing_run_group(step.nodes, saved);
  saved[step.group] = "";  // later steps of this run have it
  Step now = step;
  if (!missing.empty() && !step.fallback.empty()) {
    now.nodes = step.fallback;
    planned.missing_group = missing;
  }
  planned.saves = now.nodes;
  try {
    planned.jobs.nodes = step_nodes(now, site, groups, excluded);
    planned.jobs.resolved = true;
    resolved[step.group] = planned.jobs.nodes->fold();
    groups.add_source("run", std::make_shared<StaticGroupSource>(resolved));
  } catch (const std::exception&) {
    planned.jobs.written = as_written(now);
  }
  return planned;
}

PlannedJobs plan_self_poweroff(const Step& step, const GroupResolver& groups) {
  PlannedJobs jobs;
  try {
    jobs.command = step.command->render(groups).text;
    jobs.resolved = true;
    jobs.jobs = 1;
  } catch (const TemplateError&) {
    jobs.command = step.command->text();
  }
  return jobs;
}

void plan_gates(std::vector<PlannedGate>& out, bool require, const std::vector<std::string>& names,
                const Runbook& book, const config::Site& site, const GroupResolver& groups,
                const NodeSet* excluded) {
  for (const auto& name : names) {
    const Gate* written = book.gate(name);
    if (written == nullptr) continue;
    PlannedGate planned{require, *written, false, {}};
    if (excluded != nullptr) {
      // As exec waits on it (gate_for_run); a group known only at run time
      // leaves the gate as written, the exclusion applied when it is waited on.
      try {
        planned.gate = gate_for_run(*written, site, groups, excluded);
      } catch (const std::exception&) {
        planned.exclusion_at_run_time = true;
      }
    }
    if (planned.gate.remedy) {
      int number = 0;
      for (const auto& step : planned.gate.remedy->steps) {
        PlannedStep remedy_step;
        remedy_step.number = ++number;
        remedy_step.step = step;
        remedy_step.jobs = plan_jobs(step, site, groups, excluded);
        planned.remedy_steps.push_back(std::move(remedy_step));
      }
    }
    out.push_back(std::move(planned));
  }
}

}  // namespace

Plan plan_runbook(const Runbook& book, const config::Site& site, const PlanOptions& options) {
  GroupResolver groups;
  groups.add_source("site", site.group_resolver()->source("site"));
  groups.set_default("site");
  std::map<std::string, std::string, std::less<>> resolved(options.run_groups.begin(),
                                                           options.run_groups.end());
  if (!resolved.empty()) groups.add_source("run", std::make_shared<StaticGroupSource>(resolved));
  Plan plan;
  plan.book = &book;
  plan.self = site.self_name();
  plan.from_run = options.from_run;
  plan.run_groups = options.run_groups;
  if (!options.exclude.empty()) {
    // Read as exec reads it when the run starts, with the same refusals.
    const GroupResolver& live = options.exclusion_groups ? *options.exclusion_groups : groups;
    plan.excluded = check_exclusion(site, live, options.exclude, {&book, 1});
  }
  const NodeSet* without = plan.excluded ? &*plan.excluded : nullptr;
  // The @run: groups this run has at each step: --from-run's, then those
  // its save_group steps save.
  std::map<std::string, std::string> saved = options.run_groups;
  int number = 0;
  for (const auto& phase : book.phases) {
    PlannedPhase planned;
    planned.number = ++number;
    planned.phase = &phase;
    plan_gates(planned.require, true, phase.require, book, site, groups, without);
    int step_number = 0;
    for (const auto& step : phase.steps) {
      PlannedStep planned_step;
      if (step.kind == StepKind::kSaveGroup)
        planned_step = plan_save_group(step, site, groups, without, saved, resolved);
      if (step.kind == StepKind::kPower || step.kind == StepKind::kRun)
        planned_step.jobs = plan_jobs(step, site, groups, without);
      if (step.kind == StepKind::kSelfPoweroff)
        planned_step.jobs = plan_self_poweroff(step, groups);
      planned_step.number = ++step_number;
      planned_step.step = step;
      planned.steps.push_back(std::move(planned_step));
    }
    plan_gates(planned.wait_for, false, phase.wait_for, book, site, groups, without);
    plan.phases.push_back(std::move(planned));
  }
  return plan;
}

std::string render_plan(const Runbook& book, const config::Site& site, const PlanOptions& options) {
  return render_plan(plan_runbook(book, site, options));
}

}  // namespace greenlight::runbook
