#include "metrics_cache.h"

#include "greenlight/exporter/server.h"

namespace greenlight::exporter {
namespace {
using namespace std::chrono_literals;
constexpr auto kMinimumAge = 250ms;  ///< between two renderings
constexpr auto kMaximumAge = 1s;     ///< run and gate durations move with the clock
constexpr auto kServedAge = 2s;      ///< older: the scrape renders itself
}  // namespace

MetricsCache::MetricsCache(const Snapshot& snapshot, std::string version)
    : snapshot_(snapshot), version_(std::move(version)), thread_([this] { render_behind(); }) {}

MetricsCache::~MetricsCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<const Body> MetricsCache::body() {
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (young(now)) {
      if (!stale_ && !current(now)) {
        stale_ = true;
        wake_.notify_one();
      }
      return body_;
    }
  }
  render(&MetricsCache::young, false);
  std::lock_guard lock(mutex_);
  return body_;
}

// Called with mutex_ held.
bool MetricsCache::young(Clock::time_point now) const {
  return body_ && now - built_at_ < kServedAge;
}
bool MetricsCache::current(Clock::time_point now) const {
  const auto age = now - built_at_;
  return body_ && (age < kMinimumAge || (snapshot_.version() == built_from_ && age < kMaximumAge));
}

void MetricsCache::render(bool (MetricsCache::*still_fresh)(Clock::time_point) const,
                          bool behind) {
  std::lock_guard one(rendering_);
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if ((this->*still_fresh)(now)) return;  // rendered while this one waited
  }
  const std::uint64_t version = snapshot_.version();
  auto next = text(render_metrics(snapshot_, version_));
  // Behind the scrapes, compress too when the last body was asked for gzip
  // (Prometheus always asks): otherwise the first scrape after each
  // rendering pays the compression (tens of ms at 20k series) and the
  // scrapes behind it wait for it.
  bool compress = false;
  {
    std::lock_guard lock(mutex_);
    compress = behind && body_ && body_->compressed();
  }
  if (compress) next->gzipped();
  std::lock_guard lock(mutex_);
  body_ = std::move(next);
  built_from_ = version;
  built_at_ = now;
}

void MetricsCache::render_behind() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || stale_; });
    if (stopping_) return;
    // Not before the body is kMinimumAge old.
    const auto due = built_at_ + kMinimumAge;
    if (Clock::now() < due && wake_.wait_until(lock, due, [this] { return stopping_; })) return;
    stale_ = false;
    lock.unlock();
    render(&MetricsCache::current, true);
    lock.lock();
  }
}

}  // namespace greenlight::exporter
