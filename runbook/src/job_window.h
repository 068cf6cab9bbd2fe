// Runs one command per node (each its own command and endpoint, as power
// steps need: every BMC command runs on greenlight's host) through core's
// one sliding window (FanOut), each result named by its job's node.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "greenlight/core/runner.h"

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

}  // namespace greenlight::runbook::detail
