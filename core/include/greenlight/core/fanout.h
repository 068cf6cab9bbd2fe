// The one sliding window of greenlight: commands over many endpoints, at most
// `fanout` at a time, a slot refilled as soon as a node answers, each node
// reported as soon as it answers, stoppable half-way (Ctrl-C). What
// `greenlight exec`, runbook steps (one command per node, as power steps
// need: every BMC command on greenlight's host) and remedies are made of.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "greenlight/core/runner.h"

namespace greenlight {

/// One command on one endpoint within a fan-out.
struct FanOutJob {
  Endpoint endpoint;
  Command command;
};

class FanOut : public std::enable_shared_from_this<FanOut> {
 public:
  using OnResult = std::function<void(const RunResult&)>;
  using OnDone = std::function<void(std::vector<RunResult>)>;

  /// Starts the jobs, at most `fanout` (at least 1) at a time; a slot is
  /// refilled as soon as a node answers. `each` (may be empty) gets every
  /// result as it comes; `done` gets them all in the jobs' order, once
  /// (at once, before start returns, when there is no job). Thread: the
  /// io_context's (the runner's callbacks run there).
  static std::shared_ptr<FanOut> start(CommandRunner& runner, std::vector<FanOutJob> jobs,
                                       int fanout, OnResult each, OnDone done);
  /// The same command on every endpoint.
  static std::shared_ptr<FanOut> start(CommandRunner& runner, std::vector<Endpoint> endpoints,
                                       const Command& command, int fanout, OnResult each,
                                       OnDone done);

  /// No new node is started; nodes in flight finish (or are interrupted by
  /// the runner); the others end as kCannotStart "not started: stopped".
  void stop();
  bool stopped() const { return stopped_; }

  FanOut(CommandRunner& runner, std::vector<FanOutJob> jobs, OnResult each, OnDone done);

 private:
  void launch();
  void finished(std::size_t index, RunResult result);
  void finish_if_idle();

  CommandRunner& runner_;
  std::vector<FanOutJob> jobs_;
  OnResult each_;
  OnDone done_;
  std::vector<RunResult> results_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  bool stopped_ = false;
};

}  // namespace greenlight
