#include <fmt/format.h>

#include <set>

#include "findings.h"
#include "greenlight/checks/fping.h"

namespace greenlight::checks {

CheckResult fping_verdict(const PingReport& report, const PingExpectation& expect,
                          int exit_status) {
  CheckResult r;
  detail::Findings findings;
  // fping: 0 all alive, 1 some unreachable, 2 unknown name; 3 bad arguments
  // and 4 system call failure mean the probe itself did not run.
  if (exit_status < 0 || exit_status > 2) {
    findings.add(Status::unknown, fmt::format("fping failed with exit status {}", exit_status));
  }
  std::set<std::string, std::less<>> seen;
  double worst_avg = 0;
  for (const auto& t : report.targets) {
    seen.insert(t.host);
    const std::vector<std::pair<std::string, std::string>> target{{"target", t.host}};
    r.add_sample("greenlight_ping_up", target, t.reachable() ? 1 : 0);
    r.add_sample("greenlight_ping_loss_ratio", target, t.loss_percent() / 100.0);
    const bool want_down = expect.goal == PingGoal::unreachable;
    if (!t.resolved) {
      r.add_fact("ping", t.host, "unresolved");
      findings.add(want_down ? Status::unknown : Status::critical,
                   fmt::format("{} unresolvable: {}", t.host, t.error));
      continue;
    }
    if (!t.reachable()) {
      r.add_fact("ping", t.host, "down");
      if (!want_down) {
        findings.add(Status::critical,
                     fmt::format("{} unreachable ({} probes lost)", t.host, t.sent));
      }
      continue;
    }
    r.add_fact("ping", t.host, "up");
    if (want_down) {
      findings.add(Status::critical,
                   fmt::format("{} still answers ({}/{} replies)", t.host, t.received, t.sent));
      continue;
    }
    const std::pair<const char*, std::optional<double>> stats[] = {
        {"min", t.min_ms}, {"avg", t.avg_ms}, {"max", t.max_ms}};
    for (const auto& [stat, value] : stats) {
      if (value) {
        r.add_sample("greenlight_ping_rtt_seconds", {{"target", t.host}, {"stat", stat}},
                     *value / 1000.0);
      }
    }
    for (const auto& rtt : t.rtts_ms) {
      if (rtt) r.add_observation("greenlight_ping_probe_rtt_seconds", target, *rtt / 1000.0);
    }
    const double loss = t.loss_percent();
    if (loss >= expect.loss_critical_percent) {
      findings.add(Status::critical, fmt::format("{} loses {:.0f}% of probes ({}/{} lost)", t.host,
                                                 loss, t.sent - t.received, t.sent));
    } else if (loss >= expect.loss_warning_percent && loss > 0) {
      findings.add(Status::warning, fmt::format("{} loses {:.0f}% of probes ({}/{} lost)", t.host,
                                                loss, t.sent - t.received, t.sent));
    }
    if (t.avg_ms) {
      worst_avg = std::max(worst_avg, *t.avg_ms);
      if (*t.avg_ms >= expect.rtt_critical_ms) {
        findings.add(Status::critical, fmt::format("{} average RTT {:.3g} ms >= {:.3g} ms", t.host,
                                                   *t.avg_ms, expect.rtt_critical_ms));
      } else if (*t.avg_ms >= expect.rtt_warning_ms) {
        findings.add(Status::warning, fmt::format("{} average RTT {:.3g} ms >= {:.3g} ms", t.host,
                                                  *t.avg_ms, expect.rtt_warning_ms));
      }
    }
  }
  for (const auto& host : expect.targets) {
    if (seen.count(host)) continue;
    // With -q fping prints nothing for a name it cannot resolve; its exit
    // status 2 is the only trace.
    if (exit_status == 2) {
      r.add_fact("ping", host, "unresolved");
      r.add_sample("greenlight_ping_up", {{"target", host}}, 0);
      findings.add(expect.goal == PingGoal::unreachable ? Status::unknown : Status::critical,
                   fmt::format("no fping result for {}: name not resolved (exit status 2)", host));
    } else {
      r.add_fact("ping", host, "missing");
      findings.add(Status::unknown, fmt::format("no fping result for {}", host));
    }
  }
  if (report.targets.empty() && expect.targets.empty()) {
    findings.add(Status::unknown, "fping reported no target");
  }
  r.status = findings.status();
  r.message =
      findings.message(expect.goal == PingGoal::unreachable
                           ? fmt::format("all {} targets unreachable", report.targets.size())
                           : fmt::format("{} targets up, worst average RTT {:.3g} ms",
                                         report.targets.size(), worst_avg));
  return r;
}

}  // namespace greenlight::checks
