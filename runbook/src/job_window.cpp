#include "job_window.h"

#include "greenlight/core/fanout.h"

namespace greenlight::runbook::detail {

void run_jobs(CommandRunner& runner, std::vector<Job> jobs, int fanout,
              std::function<void(std::vector<RunResult>)> done) {
  std::vector<FanOutJob> window;
  std::vector<std::string> names;
  window.reserve(jobs.size());
  names.reserve(jobs.size());
  for (auto& job : jobs) {
    window.push_back(FanOutJob{std::move(job.endpoint), std::move(job.command)});
    names.push_back(std::move(job.node));
  }
  FanOut::start(runner, std::move(window), fanout, nullptr,
                [names = std::move(names), done = std::move(done)](std::vector<RunResult> results) {
                  for (std::size_t i = 0; i < results.size(); ++i) {
                    RunResult& result = results[i];
                    result.node = names[i];
                    // Reasons are shown per node set: the node's name is said there.
                    const std::string prefix = result.node + ": ";
                    if (result.reason.rfind(prefix, 0) == 0) result.reason.erase(0, prefix.size());
                  }
                  done(std::move(results));
                });
}

Endpoint self_endpoint(const Executor::Context& context) {
  Endpoint endpoint = context.endpoint_for(context.site.self_name());
  endpoint.local = true;
  return endpoint;
}

std::vector<Job> jobs_of(const ResolvedStep& resolved, const Executor::Context& context) {
  std::vector<Job> jobs;
  for (const auto& job : resolved.jobs) {
    Command command = Command::shell(job.command);
    command.timeout = resolved.timeout;
    jobs.push_back({job.node, job.on_self ? self_endpoint(context) : context.endpoint_for(job.node),
                    std::move(command)});
  }
  return jobs;
}

}  // namespace greenlight::runbook::detail
