// Whether a Prometheus can be trusted yet, from its own API (real 2.42
// captures, tests/fixtures/prometheus/README.md): just started, rules never
// evaluated; 4 s later, a `for: 1h` rule pending.
#include "greenlight/checks/prometheus_rules.h"

#include <catch2/catch.hpp>

#include "support/read_file.h"

using namespace greenlight::checks;
using std::chrono::milliseconds;
using std::chrono::minutes;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/prometheus/" + name);
}
PromTime start() {
  auto parsed = parse_runtimeinfo_start(fixture("runtimeinfo.json"));
  REQUIRE(parsed.ok());
  return *parsed;
}
std::vector<AlertingRule> rules(const std::string& file) {
  auto parsed = parse_alerting_rules(fixture(file));
  REQUIRE(parsed.ok());
  return *parsed;
}
}  // namespace

TEST_CASE("RFC 3339 times as Prometheus prints them") {
  const auto t = parse_prometheus_time("2026-11-30T19:32:24.879468821Z");
  REQUIRE(t.has_value());
  CHECK(std::chrono::duration_cast<milliseconds>(t->time_since_epoch()).count() % 1000 == 879);
  CHECK(parse_prometheus_time("2026-11-30T20:32:24.879468821+01:00") == t);
  CHECK(parse_prometheus_time("0001-01-01T00:00:00Z") == PromTime{});
  for (const char* bad : {"", "2026-11-30", "2026-11-30T19:32:24", "2026-13-30T19:32:24Z",
                          "2026-11-30T19:32:24.Z", "2026-11-30T19:32:24Zjunk"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_prometheus_time(bad).has_value());
  }
}

TEST_CASE("rules API: alerting rules with their group's interval and last evaluation") {
  const auto running = rules("rules_running.json");
  REQUIRE(running.size() == 3);  // the recording rule is skipped
  CHECK(running[0].name == "GlusterBrickDown");
  CHECK(running[0].state == "firing");
  CHECK(running[1].state == "pending");
  CHECK(running[1].for_duration == minutes(60));
  CHECK(running[2].for_duration == minutes(5));
  CHECK(running[0].interval == milliseconds(1000));
  CHECK(running[0].group_evaluated > start());
  CHECK(rules("rules_starting.json")[0].group_evaluated == PromTime{});
  CHECK_FALSE(parse_alerting_rules(fixture("prometheus_error.json")).ok());
  CHECK_FALSE(parse_alerting_rules("{\"status\":\"success\",\"data\":{}}").ok());
  CHECK_FALSE(parse_runtimeinfo_start("{\"status\":\"success\",\"data\":{}}").ok());
}

TEST_CASE("just started: rules never evaluated, so nothing is known") {
  const auto why = rules_not_ready(rules("rules_starting.json"), start(), {}, milliseconds(0));
  REQUIRE(why.has_value());
  CHECK(*why == "rule group lab not evaluated since Prometheus started");
}

TEST_CASE("a rule pending with a `for:` longer than the uptime keeps it unknown") {
  const auto running = rules("rules_running.json");
  const auto why = rules_not_ready(running, start(), {}, milliseconds(0));
  REQUIRE(why.has_value());
  CHECK(*why == "pending since Prometheus started 4s ago: SlowForAnHour (for: 3600s)");
  // Filters apply: the gate that does not watch SlowForAnHour can trust the rest.
  AlertExpectation gluster;
  gluster.include = {"Gluster*", "Never*"};
  CHECK_FALSE(rules_not_ready(running, start(), gluster, milliseconds(0)).has_value());
  AlertExpectation without;
  without.exclude = {"Slow*"};
  CHECK_FALSE(rules_not_ready(running, start(), without, milliseconds(0)).has_value());
  // min_uptime: time for every target to be scraped once.
  const auto young = rules_not_ready(running, start(), without, minutes(2));
  REQUIRE(young.has_value());
  CHECK(*young == "Prometheus up 4s, less than min_uptime 120s");
  // No rule watched at all proves nothing.
  AlertExpectation none;
  none.include = {"NoSuchAlert"};
  CHECK(rules_not_ready(running, start(), none, milliseconds(0)) ==
        std::optional<std::string>("no alerting rule to evaluate"));
}
