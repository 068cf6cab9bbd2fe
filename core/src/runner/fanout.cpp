#include "greenlight/core/fanout.h"

#include <algorithm>

namespace greenlight {

FanOut::FanOut(CommandRunner& runner, std::vector<Endpoint> endpoints, Command command,
               OnResult each, OnDone done)
    : runner_(runner),
      endpoints_(std::move(endpoints)),
      command_(std::move(command)),
      each_(std::move(each)),
      done_(std::move(done)),
      results_(endpoints_.size()) {}

std::shared_ptr<FanOut> FanOut::start(CommandRunner& runner, std::vector<Endpoint> endpoints,
                                      Command command, int fanout, OnResult each, OnDone done) {
  auto run = std::make_shared<FanOut>(runner, std::move(endpoints), std::move(command),
                                      std::move(each), std::move(done));
  const std::size_t width = std::min<std::size_t>(std::max(1, fanout), run->endpoints_.size());
  for (std::size_t i = 0; i < width; ++i) run->launch();
  run->finish_if_idle();
  return run;
}

void FanOut::launch() {
  const std::size_t index = next_++;
  ++in_flight_;
  auto self = shared_from_this();
  runner_.run(endpoints_[index], command_,
              [self, index](RunResult result) { self->finished(index, std::move(result)); });
}

void FanOut::finished(std::size_t index, RunResult result) {
  --in_flight_;
  results_[index] = std::move(result);
  if (each_) each_(results_[index]);
  if (!stopped_ && next_ < endpoints_.size()) launch();
  finish_if_idle();
}

void FanOut::stop() {
  stopped_ = true;
  finish_if_idle();
}

void FanOut::finish_if_idle() {
  if (in_flight_ > 0 || !done_) return;
  if (next_ < endpoints_.size() && !stopped_) return;
  for (std::size_t i = next_; i < endpoints_.size(); ++i) {
    results_[i].node = endpoints_[i].node;
    results_[i].command = command_.text();
    results_[i].status = RunStatus::kCannotStart;
    results_[i].reason = "not started: stopped";
  }
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(results_));
}

}  // namespace greenlight
