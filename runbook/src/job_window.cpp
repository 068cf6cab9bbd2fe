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

}  // namespace greenlight::runbook::detail
