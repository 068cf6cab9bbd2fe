#include "job_window.h"

#include <memory>

namespace greenlight::runbook::detail {
namespace {

struct Window {
  CommandRunner& runner;
  std::vector<Job> jobs;
  std::vector<RunResult> results;
  std::function<void(std::vector<RunResult>)> done;
  std::size_t next = 0;
  std::size_t answered = 0;
};

void fill(const std::shared_ptr<Window>& window) {
  const std::size_t index = window->next++;
  window->runner.run(window->jobs[index].endpoint, window->jobs[index].command,
                     [window, index](RunResult result) {
                       result.node = window->jobs[index].node;
                       // Reasons are shown per node set: the node's name is said there.
                       const std::string prefix = result.node + ": ";
                       if (result.reason.rfind(prefix, 0) == 0)
                         result.reason.erase(0, prefix.size());
                       window->results[index] = std::move(result);
                       if (window->next < window->jobs.size()) fill(window);
                       if (++window->answered == window->jobs.size()) {
                         auto done = std::move(window->done);
                         done(std::move(window->results));
                       }
                     });
}

}  // namespace

void run_jobs(CommandRunner& runner, std::vector<Job> jobs, int fanout,
              std::function<void(std::vector<RunResult>)> done) {
  if (jobs.empty()) {
    done({});
    return;
  }
  auto window = std::make_shared<Window>(Window{runner, std::move(jobs), {}, std::move(done)});
  window->results.resize(window->jobs.size());
  const std::size_t width =
      std::min(window->jobs.size(), static_cast<std::size_t>(fanout > 0 ? fanout : 1));
  for (std::size_t i = 0; i < width; ++i) fill(window);
}

}  // namespace greenlight::runbook::detail
