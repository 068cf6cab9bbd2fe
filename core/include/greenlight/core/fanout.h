// A sliding-window run of one command over many endpoints that reports each
// node as soon as it answers and can be stopped half-way (Ctrl-C): what
// `greenlight exec` and runbook steps over node sets are made of.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "greenlight/core/runner.h"

namespace greenlight {

class FanOut : public std::enable_shared_from_this<FanOut> {
 public:
  using OnResult = std::function<void(const RunResult&)>;
  using OnDone = std::function<void(std::vector<RunResult>)>;

  /// Starts `command` on the endpoints, at most `fanout` at a time; a slot is
  /// refilled as soon as a node answers. `each` gets every result as it comes;
  /// `done` gets them all in the endpoints' order, once. Thread: the
  /// io_context's (the runner's callbacks run there).
  static std::shared_ptr<FanOut> start(CommandRunner& runner, std::vector<Endpoint> endpoints,
                                       Command command, int fanout, OnResult each, OnDone done);

  /// No new node is started; nodes in flight finish (or are interrupted by
  /// the runner); the others end as kCannotStart "not started: stopped".
  void stop();
  bool stopped() const { return stopped_; }

  FanOut(CommandRunner& runner, std::vector<Endpoint> endpoints, Command command, OnResult each,
         OnDone done);

 private:
  void launch();
  void finished(std::size_t index, RunResult result);
  void finish_if_idle();

  CommandRunner& runner_;
  std::vector<Endpoint> endpoints_;
  Command command_;
  OnResult each_;
  OnDone done_;
  std::vector<RunResult> results_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  bool stopped_ = false;
};

}  // namespace greenlight
