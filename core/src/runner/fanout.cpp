#include "greenlight/core/fanout.h"

#include <algorithm>

namespace greenlight {

FanOut::FanOut(CommandRunner& runner, std::vector<FanOutJob> jobs, OnResult each, OnDone done)
    : runner_(runner),
      jobs_(std::move(jobs)),
      each_(std::move(each)),
      done_(std::move(done)),
      results_(jobs_.size()) {}

std::shared_ptr<FanOut> FanOut::start(CommandRunner& runner, std::vector<FanOutJob> jobs,
                                      int fanout, OnResult each, OnDone done) {
  auto run = std::make_shared<FanOut>(runner, std::move(jobs), std::move(each), std::move(done));
  const std::size_t width = std::min<std::size_t>(std::max(1, fanout), run->jobs_.size());
  for (std::size_t i = 0; i < width; ++i) run->launch();
  run->finish_if_idle();
  return run;
}

std::shared_ptr<FanOut> FanOut::start(CommandRunner& runner, std::vector<Endpoint> endpoints,
                                      const Command& command, int fanout, OnResult each,
                                      OnDone done) {
  std::vector<FanOutJob> jobs;
  jobs.reserve(endpoints.size());
  for (auto& endpoint : endpoints) jobs.push_back(FanOutJob{std::move(endpoint), command});
  return start(runner, std::move(jobs), fanout, std::move(each), std::move(done));
}

void FanOut::launch() {
  const std::size_t index = next_++;
  ++in_flight_;
  auto self = shared_from_this();
  runner_.run(jobs_[index].endpoint, jobs_[index].command,
              [self, index](RunResult result) { self->finished(index, std::move(result)); });
}

void FanOut::finished(std::size_t index, RunResult result) {
  --in_flight_;
  results_[index] = std::move(result);
  if (each_) each_(results_[index]);
  if (!stopped_ && next_ < jobs_.size()) launch();
  finish_if_idle();
}

void FanOut::stop() {
  stopped_ = true;
  finish_if_idle();
}

void FanOut::finish_if_idle() {
  if (in_flight_ > 0 || !done_) return;
  if (next_ < jobs_.size() && !stopped_) return;
  for (std::size_t i = next_; i < jobs_.size(); ++i) {
    results_[i].node = jobs_[i].endpoint.node;
    results_[i].command = jobs_[i].command.text();
    results_[i].status = RunStatus::kCannotStart;
    results_[i].reason = "not started: stopped";
  }
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(results_));
}

}  // namespace greenlight
