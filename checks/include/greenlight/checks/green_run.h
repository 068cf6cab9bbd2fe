// The current unbroken run of green results of one check: what a gate's
// `stable_for` counts from. Kept by the scheduler; read by gates.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>

namespace greenlight::checks {

/// The steady-clock start and end of each green result since the last
/// result that was not green, oldest first. Bounded: beyond `kKept` results
/// the oldest are forgotten, which only makes since() answer later (never
/// earlier) than the truth. Not thread-safe; the scheduler's thread only.
class GreenRun {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kKept = 1024;

  /// A result came in: green ones extend the run, any other ends it.
  void add(bool green, Clock::time_point started, Clock::time_point finished) {
    if (!green) return clear();
    results_.push_back({started, finished});
    if (results_.size() > kKept) results_.pop_front();
  }
  void clear() { results_.clear(); }
  bool empty() const { return results_.empty(); }

  /// The end of the first green result of the run that started at or after
  /// `from`: green has been seen continuously since then, and only by
  /// results taken after `from`. nullopt when the run has no such result.
  std::optional<Clock::time_point> since(Clock::time_point from) const {
    for (const auto& result : results_) {
      if (result.started >= from) return result.finished;
    }
    return std::nullopt;
  }

 private:
  struct Result {
    Clock::time_point started;
    Clock::time_point finished;
  };
  std::deque<Result> results_;
};

}  // namespace greenlight::checks
