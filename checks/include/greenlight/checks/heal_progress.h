// Progress of a long heal: the entries to heal on each brick, followed from
// one run of the heal check to the next. A heal of millions of entries takes
// hours after a restart; what tells a heal that works from one that is stuck
// is whether the counts keep falling, not how large they are.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/gluster_verdict.h"

namespace greenlight::checks {

/// One brick's heal since greenlight first saw entries to heal on it.
struct BrickTrend {
  std::uint64_t first = 0;  ///< entries when first seen (this episode)
  std::chrono::system_clock::time_point first_at{};
  std::uint64_t count = 0;  ///< entries at the latest run
  std::chrono::system_clock::time_point count_at{};
  std::uint64_t lowest = 0;  ///< the lowest count seen
  /// When the count last fell below every earlier count (first_at until
  /// then): the stuck timer runs from here.
  std::chrono::system_clock::time_point fell_at{};
  std::size_t runs = 0;  ///< runs that saw entries on the brick

  /// Entries healed per second since first seen (negative when it grew).
  double rate_per_second() const;
};

/// Trends by brick ("host:/path", as heal info names it). A value; the heal
/// check keeps one across its runs (one thread: the scheduler's).
class HealProgress {
 public:
  /// Records one run at `now`: a readable brick with entries starts or
  /// extends its trend; one with none ends it; an unreadable brick, or a
  /// volume that could not be read, leaves its trend as it was (nothing
  /// was seen). Entries of a brick are its summary total when given, else
  /// its pending count.
  void observe(std::chrono::system_clock::time_point now, const std::vector<VolumeHeal>& heals);
  /// The trend of `brick`, or nullptr when it has no entries (or was never seen).
  const BrickTrend* trend(const std::string& brick) const;

 private:
  std::map<std::string, BrickTrend> trends_;
};

/// What the heal verdict needs to speak of progress.
struct HealPace {
  const HealProgress* progress = nullptr;
  std::chrono::system_clock::time_point now{};
  /// A brick whose entries have not fallen for this long is stuck
  /// (critical); before that a heal in progress is a warning.
  std::chrono::milliseconds stuck_after{std::chrono::minutes(30)};
};

/// gluster_heal_verdict, with the progress of each brick with entries in
/// its message ("1200 entries pending on top1:/bricks/v1 (falling: 5000 to
/// 1200 in 40m, 95/min)" when it fell at this run, "... (not falling for
/// 12m)" otherwise) and: critical
/// "heal stuck: 1200 entries pending on top1:/bricks/v1, not falling for
/// 30m" once a brick's entries stopped falling for `stuck_after`. Samples
/// besides the verdict's, per brick with a trend (labels volume, brick):
/// greenlight_gluster_brick_heal_stalled_seconds (since the count last
/// fell; 0 without entries), greenlight_gluster_brick_heal_rate (entries
/// healed per second since first seen).
CheckResult gluster_heal_verdict(const std::vector<VolumeHeal>& volumes, const HealPace& pace);

}  // namespace greenlight::checks
