// Whether a Prometheus has been up long enough for its alerts to mean
// anything: just after it starts, a rule with `for: 5m` whose condition holds
// is only pending, and a rule never evaluated yet says nothing. Read from its
// own API: GET /api/v1/status/runtimeinfo (startTime) and GET /api/v1/rules
// (each group's interval and lastEvaluation, each alerting rule's state and
// `for` duration), both Prometheus 2.x JSON, both on Prometheus's clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/parsed.h"
#include "greenlight/checks/prometheus_alerts.h"

namespace greenlight::checks {

using PromTime = std::chrono::system_clock::time_point;

/// One alerting rule of GET /api/v1/rules.
struct AlertingRule {
  std::string name;
  std::string group;
  std::string state;                          ///< inactive, pending or firing
  std::chrono::milliseconds for_duration{0};  ///< the rule's `for:` ("duration", seconds)
  std::chrono::milliseconds interval{0};      ///< its group's evaluation interval
  /// Its group's last evaluation; the epoch when never evaluated (Prometheus
  /// prints "0001-01-01T00:00:00Z").
  PromTime group_evaluated{};
};

/// RFC 3339 as Prometheus prints it ("2026-11-30T19:40:01.123456789Z", or
/// with a "+01:00" offset); nullopt otherwise, and for years after 2261
/// (past system_clock). Years before 1970 (Go's zero time) give the epoch.
std::optional<PromTime> parse_prometheus_time(std::string_view text);

/// data.startTime of GET /api/v1/status/runtimeinfo. A missing field, an
/// error status or malformed JSON is a ParseError naming it; never throws.
Parsed<PromTime> parse_runtimeinfo_start(std::string_view json);

/// The alerting rules of GET /api/v1/rules (recording rules skipped).
Parsed<std::vector<AlertingRule>> parse_alerting_rules(std::string_view json);

/// Nullopt when the selected rules (`expect`'s include/exclude on the rule
/// name) can be trusted; else why not, for an unknown verdict:
/// - no alerting rule selected ("no alerting rule to evaluate");
/// - a selected rule's group not evaluated since `start`;
/// - Prometheus up (its latest group evaluation minus `start`) less than
///   `min_uptime` (time for every target to be scraped);
/// - a selected rule pending while Prometheus has been up less than its
///   `for:` plus one interval: a condition holding since the start would not
///   fire yet.
std::optional<std::string> rules_not_ready(const std::vector<AlertingRule>& rules, PromTime start,
                                           const AlertExpectation& expect,
                                           std::chrono::milliseconds min_uptime);

}  // namespace greenlight::checks
