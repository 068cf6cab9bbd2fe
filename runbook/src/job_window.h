// Runs one command per node (each its own command and endpoint, as power
// steps need: every BMC command runs on greenlight's host) through core's
// one sliding window (FanOut), each result named by its job's node; the
// jobs of a resolved step, for its steps and a gate's remedy alike.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "greenlight/core/runner.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/step_jobs.h"

namespace greenlight::runbook::detail {

struct Job {
  std::string node;  ///< the node the result is reported for
  Endpoint endpoint;
  Command command;
};

/// `done` gets one result per job, in the jobs' order, each result's node
/// set to the job's node. Called on the runner's io_context thread.
void run_jobs(CommandRunner& runner, std::vector<Job> jobs, int fanout,
              std::function<void(std::vector<RunResult>)> done);

/// Greenlight's own host as a step's command reaches it: locally.
Endpoint self_endpoint(const Executor::Context& context);

/// One job per command of `resolved`, each with the step's timeout, on its
/// node's endpoint (greenlight's own host for a power step's BMC command).
std::vector<Job> jobs_of(const ResolvedStep& resolved, const Executor::Context& context);

}  // namespace greenlight::runbook::detail
