// The /metrics body, shared by concurrent scrapes: a scrape gets the latest
// body at once and, when the checks changed since it was rendered (or it is
// a second old: run and gate durations move with the clock), has the next
// one rendered by a thread in the background, at most every 250 ms. Nothing
// is rendered while nobody scrapes. A body older than two seconds is not
// served: the scrape renders it (the first scrape after a quiet spell, or
// each scrape of a Prometheus that scrapes every 15 s), and concurrent
// scrapes wait for that one rendering.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "body.h"
#include "greenlight/exporter/snapshot.h"

namespace greenlight::exporter {

class MetricsCache {
 public:
  MetricsCache(const Snapshot& snapshot, std::string version);
  ~MetricsCache();
  MetricsCache(const MetricsCache&) = delete;
  MetricsCache& operator=(const MetricsCache&) = delete;
  /// The latest body. Thread-safe.
  std::shared_ptr<const Body> body();

 private:
  using Clock = std::chrono::steady_clock;
  void render_behind();
  /// Renders unless `still_fresh` holds once the rendering lock is taken;
  /// `behind` (the background thread) also compresses the new body when the
  /// previous one was asked for gzip.
  void render(bool (MetricsCache::*still_fresh)(Clock::time_point) const, bool behind);
  bool young(Clock::time_point now) const;
  bool current(Clock::time_point now) const;

  const Snapshot& snapshot_;
  const std::string version_;
  std::mutex rendering_;  ///< one rendering at a time
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const Body> body_;
  std::uint64_t built_from_ = 0;
  Clock::time_point built_at_{};
  bool stale_ = false;  ///< a scrape got a body that is no longer current
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace greenlight::exporter
