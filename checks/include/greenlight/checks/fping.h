// fping 5.1 output: parser and verdict.
//
// Parses what `fping -C N -q HOSTS` prints on stderr (`host : 0.03 0.04 -`,
// `-` = lost), the `-c N` summary form (`host : xmt/rcv/%loss = 3/3/0%,
// min/avg/max = a/b/c`), the default form (`host is alive (0.013 ms)`,
// `host is unreachable`) and name errors (`host: Name or service not known`).
// "ICMP Host Unreachable from ..." notices and per-probe lines are skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

struct PingTarget {
  std::string host;
  /// False when fping could not resolve the name; `error` says why.
  bool resolved = true;
  std::string error;
  /// -C samples in milliseconds, in order; nullopt = no reply.
  std::vector<std::optional<double>> rtts_ms;
  std::uint32_t sent = 0;
  std::uint32_t received = 0;
  std::optional<double> min_ms;
  std::optional<double> avg_ms;
  std::optional<double> max_ms;

  bool reachable() const { return received > 0; }
  /// 100 when nothing was sent (unresolved or unreachable without counts).
  double loss_percent() const;
};

struct PingReport {
  std::vector<PingTarget> targets;   ///< in output order, one per host
  std::vector<std::string> skipped;  ///< unrecognised lines (first 20)
};

/// Merged stdout+stderr of fping. Empty output is an empty report; output
/// with lines but no recognisable one is a ParseError.
Parsed<PingReport> parse_fping(std::string_view output);

/// What the gate waits for: hosts answering (start-up), or hosts gone
/// silent (after a power-off).
enum class PingGoal { reachable, unreachable };

struct PingExpectation {
  /// Hosts that must be in the report (expanded node set). Empty: judge
  /// whatever the report holds.
  std::vector<std::string> targets;
  double rtt_warning_ms = 50;  ///< on the average RTT of a target
  double rtt_critical_ms = 200;
  double loss_warning_percent = 1;  ///< loss >= this is a warning
  double loss_critical_percent = 50;
  /// unreachable: green when no target answers; a target that answers is
  /// critical ("top2 still answers (3/3 replies)"), one that cannot be
  /// resolved or has no result is unknown; thresholds do not apply.
  PingGoal goal = PingGoal::reachable;
};

/// Verdict: critical when a target is unreachable, unresolvable, or above a
/// critical threshold; warning above a warning threshold; unknown when fping
/// failed (exit status 3 or 4, or above) or an expected target is missing
/// from the report. With -q fping prints nothing for an unresolvable name:
/// an expected target without result under exit status 2 is critical. Samples: greenlight_ping_up,
/// greenlight_ping_rtt_seconds (stat=min|avg|max), greenlight_ping_loss_ratio, per target. Facts:
/// kind "ping", subject host, value up|down|unresolved.
CheckResult fping_verdict(const PingReport& report, const PingExpectation& expect, int exit_status);

}  // namespace greenlight::checks
