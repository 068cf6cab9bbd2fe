#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "address.h"
#include "findings.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/heal_progress.h"

namespace greenlight::checks {

namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

std::string count_text(const std::optional<std::uint64_t>& n) {
  return n ? std::to_string(*n) : "unknown";
}

// "40s", "12m", "2h05m": how long, as an operator reads it.
std::string span_text(std::chrono::system_clock::duration span) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(span).count();
  if (seconds < 60) return fmt::format("{}s", seconds < 0 ? 0 : seconds);
  if (seconds < 3600) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
}

// The pending finding of a brick, with its progress when a trend is known:
// a warning while the entries fall (or have not stopped for long), critical
// "heal stuck" once they have not fallen for `stuck_after`.
bool pending_finding(detail::Findings& findings, CheckResult& r, const std::string& volume,
                     const BrickHeal& b, const HealPace* pace, Status& volume_status) {
  const std::string base = fmt::format("{} entries pending on {}", *b.pending, b.brick);
  const BrickTrend* trend = pace && pace->progress ? pace->progress->trend(b.brick) : nullptr;
  if (trend == nullptr || trend->runs < 2) {
    findings.add(Status::warning, base);
    volume_status = worst(volume_status, Status::warning);
    return false;
  }
  const std::vector<std::pair<std::string, std::string>> labels{{"volume", volume},
                                                                {"brick", b.brick}};
  const auto stalled = pace->now - trend->fell_at;
  r.add_sample("greenlight_gluster_brick_heal_stalled_seconds", labels,
               std::chrono::duration<double>(stalled).count());
  r.add_sample("greenlight_gluster_brick_heal_rate", labels, trend->rate_per_second());
  if (stalled >= pace->stuck_after) {
    findings.add(Status::critical, fmt::format("heal stuck: {}, not falling for {} (was {} {} ago)",
                                               base, span_text(stalled), trend->first,
                                               span_text(pace->now - trend->first_at)));
    volume_status = worst(volume_status, Status::critical);
    return true;
  }
  if (trend->fell_at == trend->count_at) {
    findings.add(
        Status::warning,
        fmt::format("{} (falling: {} to {} in {}, {:.0f}/min)", base, trend->first, trend->count,
                    span_text(trend->count_at - trend->first_at), trend->rate_per_second() * 60));
  } else {
    findings.add(Status::warning, fmt::format("{} (not falling for {})", base, span_text(stalled)));
  }
  volume_status = worst(volume_status, Status::warning);
  return false;
}

CheckResult heal_verdict(const std::vector<VolumeHeal>& volumes, const HealPace* pace) {
  CheckResult r;
  detail::Findings findings;
  std::size_t readable = 0;
  for (const auto& [volume, parsed, expected_bricks] : volumes) {
    if (!parsed.ok()) {
      r.add_fact("volume_heal", volume, "unknown");
      findings.add(Status::unknown,
                   fmt::format("heal info of {} unreadable: {}", volume, parsed.error().reason));
      continue;
    }
    const HealInfo& heal = *parsed;
    switch (heal.outcome) {
      case HealOutcome::volume_stopped:
        r.add_fact("volume_heal", volume, "stopped");
        findings.add(Status::critical,
                     fmt::format("volume {} is stopped ({})", volume, heal.error));
        continue;
      case HealOutcome::volume_missing:
        r.add_fact("volume_heal", volume, "missing");
        findings.add(Status::critical, fmt::format("volume {} does not exist", volume));
        continue;
      case HealOutcome::failed:
        r.add_fact("volume_heal", volume, "unknown");
        findings.add(Status::unknown, fmt::format("heal info {} failed: {}", volume, heal.error));
        continue;
      case HealOutcome::listed:
        break;
    }
    if (heal.bricks.empty()) {
      r.add_fact("volume_heal", volume, "unknown");
      findings.add(Status::unknown, fmt::format("heal info {} listed no brick", volume));
      continue;
    }
    Status volume_status = Status::ok;
    bool stuck = false;
    bool split_brain = false;
    if (heal.listing == HealListing::split_brain) {
      // It names split-brain entries only: it cannot prove a volume healed.
      findings.add(
          Status::unknown,
          fmt::format("heal info split-brain of {} says nothing of pending entries", volume));
      volume_status = Status::unknown;
    }
    for (const auto& b : heal.bricks) {
      const std::vector<std::pair<std::string, std::string>> labels{{"volume", volume},
                                                                    {"brick", b.brick}};
      r.add_sample("greenlight_gluster_brick_heal_readable", labels, b.readable ? 1 : 0);
      r.add_sample("gluster_volume_heal_count", labels,
                   b.pending ? static_cast<double>(*b.pending) : kUnknown);
      r.add_sample("gluster_volume_split_brain_heal_count", labels,
                   b.split_brain ? static_cast<double>(*b.split_brain) : kUnknown);
      r.add_fact("brick_pending", b.brick, count_text(b.pending));
      r.add_fact("brick_split_brain", b.brick, count_text(b.split_brain));
      if (!b.readable) {
        findings.add(Status::unknown,
                     fmt::format("brick {} unreadable: {}", b.brick, b.unreadable_reason()));
        volume_status = worst(volume_status, Status::unknown);
        continue;
      }
      ++readable;
      if (b.split_brain && *b.split_brain > 0) {
        split_brain = true;
        findings.add(Status::critical,
                     fmt::format("{} entries in split-brain on {}", *b.split_brain, b.brick));
        volume_status = worst(volume_status, Status::critical);
      }
      if (b.pending && *b.pending > 0)
        stuck = pending_finding(findings, r, volume, b, pace, volume_status) || stuck;
      const std::uint64_t accounted =
          b.pending.value_or(0) + b.split_brain.value_or(0) + b.possibly_healing.value_or(0);
      if (heal.listing == HealListing::summary && b.total && *b.total > accounted) {
        findings.add(Status::warning, fmt::format("{} entries to heal on {} ({} in no category)",
                                                  *b.total, b.brick, *b.total - accounted));
        volume_status = worst(volume_status, Status::warning);
      }
      if (b.possibly_healing && *b.possibly_healing > 0) {
        findings.add(Status::warning, fmt::format("{} entries possibly healing on {}",
                                                  *b.possibly_healing, b.brick));
        volume_status = worst(volume_status, Status::warning);
      }
    }
    for (const auto& brick : expected_bricks) {
      const bool listed = std::any_of(heal.bricks.begin(), heal.bricks.end(),
                                      [&](const BrickHeal& b) {
                                        return detail::canonical_brick(b.brick) ==
                                               detail::canonical_brick(brick);
                                      });
      if (!listed) {
        r.add_fact("brick_pending", brick, "unknown");
        r.add_sample("greenlight_gluster_brick_heal_readable",
                     {{"volume", volume}, {"brick", brick}}, 0);
        findings.add(Status::unknown, fmt::format("brick {} not listed by heal info", brick));
        volume_status = worst(volume_status, Status::unknown);
      }
    }
    r.add_fact("volume_heal", volume,
               volume_status == Status::ok        ? "healed"
               : volume_status == Status::warning ? "pending"
               : volume_status == Status::unknown ? "unknown"
               : stuck && !split_brain            ? "stuck"
                                                  : "split-brain");
  }
  if (volumes.empty()) findings.add(Status::unknown, "no volume to verify");
  r.status = findings.status();
  r.message = findings.message(
      fmt::format("{} volumes healed: {} bricks readable, none pending or in split-brain",
                  volumes.size(), readable));
  return r;
}

}  // namespace

CheckResult gluster_heal_verdict(const std::vector<VolumeHeal>& volumes) {
  return heal_verdict(volumes, nullptr);
}

CheckResult gluster_heal_verdict(const std::vector<VolumeHeal>& volumes, const HealPace& pace) {
  return heal_verdict(volumes, &pace);
}

}  // namespace greenlight::checks
