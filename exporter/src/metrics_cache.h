// The /metrics body, shared by concurrent scrapes and rendered ahead of
// them: while someone scrapes, a thread renders a new body when the snapshot
// changed (at most every 250 ms, so checks finishing one after the other do
// not each cost a rendering) or the body is a second old (run and gate
// durations move with the clock). A scrape then only copies a pointer; it
// renders itself only when nobody scraped for a minute (the body is older
// than a few seconds), and concurrent scrapes then wait for that one
// rendering.
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
  void render_ahead();
  /// Renders unless `still_fresh` holds once the rendering lock is taken.
  void render(bool (MetricsCache::*still_fresh)(Clock::time_point) const);
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
  Clock::time_point last_scrape_{};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace greenlight::exporter
