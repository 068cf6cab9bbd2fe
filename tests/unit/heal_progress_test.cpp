// A long heal followed across the heal check's runs, on captured
// `gluster volume heal v1 info summary --xml` outputs (brick 3 restarted with
// the self-heal daemon off: 6 entries pending on bricks 1 and 3): falling
// counts are progress (a warning that says so), counts that stop falling for
// stuck_after are a stuck heal (critical), and nothing pending is green.
#include "greenlight/checks/heal_progress.h"

#include <catch2/catch.hpp>

#include "greenlight/checks/gluster_heal.h"
#include "support/read_file.h"

using namespace greenlight;
using namespace greenlight::checks;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
}

// The captured summary with bricks 1 and 3 at `count` entries (total and pending).
std::vector<VolumeHeal> summary_at(int count) {
  std::string xml = fixture("heal_info_summary_pending_allup.xml");
  for (const char* tag : {"totalNumberOfEntries>6<", "numberOfEntriesInHealPending>6<"}) {
    std::string from = tag;
    std::string to = from.substr(0, from.size() - 2) + std::to_string(count) + "<";
    for (auto at = xml.find(from); at != std::string::npos; at = xml.find(from, at + to.size()))
      xml.replace(at, from.size(), to);
  }
  std::vector<VolumeHeal> heals;
  heals.push_back({"v1", parse_gluster_heal_info(xml, 0, HealListing::summary)});
  return heals;
}

double sample(const CheckResult& r, const std::string& name, const std::string& brick) {
  for (const auto& s : r.samples) {
    if (s.name != name) continue;
    for (const auto& [key, value] : s.labels)
      if (key == "brick" && value == brick) return s.value;
  }
  FAIL("no sample " << name << " for " << brick);
  return 0;
}

}  // namespace

TEST_CASE("heal progress: falling counts are a warning that shows the figures") {
  HealProgress progress;
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  const HealPace pace0{&progress, t0, minutes(30)};
  auto first = summary_at(600);
  progress.observe(t0, first);
  const auto r0 = gluster_heal_verdict(first, pace0);
  CHECK(r0.status == Status::warning);
  CHECK_THAT(r0.message, Catch::Contains("600 entries pending on vm:/data/brick1"));

  auto later = summary_at(200);
  const auto t1 = t0 + minutes(4);
  progress.observe(t1, later);
  const auto r1 = gluster_heal_verdict(later, HealPace{&progress, t1, minutes(30)});
  CHECK(r1.status == Status::warning);
  CHECK_THAT(r1.message,
             Catch::Contains("200 entries pending on vm:/data/brick1 (falling: 600 to 200 in 4m, "
                             "100/min)"));
  CHECK(sample(r1, "greenlight_gluster_brick_heal_rate", "vm:/data/brick1") == Approx(400.0 / 240));
  CHECK(sample(r1, "greenlight_gluster_brick_heal_stalled_seconds", "vm:/data/brick1") == 0);
  CHECK(sample(r1, "gluster_volume_heal_count", "vm:/data/brick1") == 200);
}

TEST_CASE("heal progress: counts that stop falling for stuck_after are a stuck heal") {
  HealProgress progress;
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  progress.observe(t0, summary_at(600));
  progress.observe(t0 + minutes(5), summary_at(300));
  // Flat for 29 minutes: still a heal in progress, saying for how long.
  auto flat = summary_at(300);
  progress.observe(t0 + minutes(34), flat);
  const auto waiting =
      gluster_heal_verdict(flat, HealPace{&progress, t0 + minutes(34), minutes(30)});
  CHECK(waiting.status == Status::warning);
  CHECK_THAT(waiting.message,
             Catch::Contains("300 entries pending on vm:/data/brick1 (not falling for 29m)"));
  // A count that grows (writes meanwhile) is not progress either.
  auto more = summary_at(350);
  progress.observe(t0 + minutes(35), more);
  const auto stuck = gluster_heal_verdict(more, HealPace{&progress, t0 + minutes(35), minutes(30)});
  CHECK(stuck.status == Status::critical);
  CHECK_THAT(stuck.message, Catch::Contains("heal stuck: 350 entries pending on vm:/data/brick1, "
                                            "not falling for 30m (was 600 35m ago)"));
  CHECK(*stuck.fact("volume_heal", "v1") == "stuck");
  CHECK(sample(stuck, "greenlight_gluster_brick_heal_stalled_seconds", "vm:/data/brick1") ==
        30 * 60);
  // It falls again: a heal in progress again.
  auto again = summary_at(100);
  progress.observe(t0 + minutes(36), again);
  CHECK(gluster_heal_verdict(again, HealPace{&progress, t0 + minutes(36), minutes(30)}).status ==
        Status::warning);
}

TEST_CASE(
    "heal progress: nothing pending is green and ends the trend, an unreadable brick keeps it") {
  HealProgress progress;
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  progress.observe(t0, summary_at(6));
  REQUIRE(progress.trend("vm:/data/brick1") != nullptr);
  // Brick 3 down: the summary cannot read it; what was seen of it stays.
  std::vector<VolumeHeal> down;
  down.push_back({"v1", parse_gluster_heal_info(fixture("heal_info_summary_pending.xml"), 0,
                                                HealListing::summary)});
  progress.observe(t0 + seconds(30), down);
  REQUIRE(progress.trend("vm:/data/brick3") != nullptr);
  CHECK(progress.trend("vm:/data/brick3")->count == 6);
  const auto r = gluster_heal_verdict(down, HealPace{&progress, t0 + seconds(30), minutes(30)});
  CHECK(r.status == Status::unknown);
  std::vector<VolumeHeal> clean;
  clean.push_back({"v1", parse_gluster_heal_info(fixture("heal_info_summary_clean.xml"), 0,
                                                 HealListing::summary)});
  progress.observe(t0 + seconds(60), clean);
  CHECK(progress.trend("vm:/data/brick1") == nullptr);
  CHECK(gluster_heal_verdict(clean, HealPace{&progress, t0 + seconds(60), minutes(30)}).green());
}

TEST_CASE("heal progress: after a jump in entries, falling from the new count is progress") {
  // 50 entries left, then another host comes back with 5000 of its own: the
  // count falls from 5000 again, above the 50 seen before, and that is a
  // heal in progress, not a stuck one.
  HealProgress progress;
  const auto t0 = std::chrono::system_clock::time_point{} + std::chrono::hours(1000);
  progress.observe(t0, summary_at(50));
  progress.observe(t0 + minutes(1), summary_at(5000));
  auto falling = summary_at(2000);
  progress.observe(t0 + minutes(31), falling);
  const auto r = gluster_heal_verdict(falling, HealPace{&progress, t0 + minutes(32), minutes(30)});
  CHECK(r.status == Status::warning);
  CHECK_THAT(r.message, Catch::Contains("2000 entries pending on vm:/data/brick1"));
}
