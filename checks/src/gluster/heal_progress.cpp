#include "greenlight/checks/heal_progress.h"

namespace greenlight::checks {
namespace {

// The entries to heal a readable brick shows: its summary total when the
// listing gives one, else its pending count.
std::optional<std::uint64_t> entries_of(const BrickHeal& brick) {
  if (!brick.readable) return std::nullopt;
  if (brick.total) return brick.total;
  return brick.pending;
}

}  // namespace

double BrickTrend::rate_per_second() const {
  const double seconds = std::chrono::duration<double>(count_at - first_at).count();
  if (seconds <= 0) return 0;
  return (static_cast<double>(first) - static_cast<double>(count)) / seconds;
}

void HealProgress::observe(std::chrono::system_clock::time_point now,
                           const std::vector<VolumeHeal>& heals) {
  for (const auto& volume : heals) {
    if (!volume.heal.ok() || volume.heal->outcome != HealOutcome::listed) continue;
    for (const auto& brick : volume.heal->bricks) {
      const auto entries = entries_of(brick);
      if (!entries) continue;
      if (*entries == 0) {
        trends_.erase(brick.brick);
        continue;
      }
      auto [it, added] = trends_.try_emplace(brick.brick);
      BrickTrend& trend = it->second;
      if (added) {
        trend.first = trend.lowest = *entries;
        trend.first_at = trend.fell_at = now;
      } else if (*entries < trend.lowest) {
        trend.lowest = *entries;
        trend.fell_at = now;
      } else if (*entries > trend.count) {
        // New entries (another host came back with writes of its own): the
        // count falls again from here, not from the lowest ever seen. The
        // stuck clock keeps running until it does.
        trend.lowest = *entries;
      }
      trend.count = *entries;
      trend.count_at = now;
      ++trend.runs;
    }
  }
}

const BrickTrend* HealProgress::trend(const std::string& brick) const {
  auto it = trends_.find(brick);
  return it == trends_.end() ? nullptr : &it->second;
}

}  // namespace greenlight::checks
