// Name resolution timing: the script's output parsed, and judged per host
// and name on the time of the whole NSS path, naming the source that was
// slow.
#include "greenlight/checks/name_resolution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "findings.h"
#include "listing.h"
#include "text.h"

namespace greenlight::checks {

namespace {

bool known_source(std::string_view source) {
  return source == "nss" || source == "files" || source == "dns";
}

}  // namespace

Parsed<NameResolutionReport> parse_name_resolution(std::string_view output) {
  NameResolutionReport out;
  detail::Lines lines(output);
  std::string_view line;
  while (lines.next(line)) {
    auto bad = [&](const char* why) {
      return ParseError{fmt::format("name resolution, line {}: {}: '{}'", lines.number(), why,
                                    line.substr(0, 120))};
    };
    const auto words = detail::split_blank(line);
    if (words.front() == "nsswitch") {
      std::string hosts;
      for (std::size_t i = 1; i < words.size(); ++i)
        hosts += (i > 1 ? " " : "") + std::string(words[i]);
      out.hosts_line = std::move(hosts);
      continue;
    }
    if (words.front() != "resolve") return bad("not a lookup line");
    if (words.size() < 5 || words.size() > 6) return bad("a lookup line has 5 or 6 fields");
    if (!known_source(words[2])) return bad("unknown source");
    const auto micros = detail::to_uint(words[3]);
    if (!micros) return bad("not a time in microseconds");
    const auto status = detail::to_int(words[4]);
    if (!status || *status < 0 || *status > 255) return bad("not an exit status");
    out.lookups.push_back(NameLookup{
        std::string(words[1]), std::string(words[2]), static_cast<double>(*micros) / 1000.0,
        static_cast<int>(*status), words.size() == 6 ? std::string(words[5]) : std::string()});
  }
  return out;
}

namespace {

bool timed_out(const NameLookup& lookup) {
  return lookup.exit_status == 124 || lookup.exit_status == 137;
}

// "3 ms", "1.21 s".
std::string duration_text(double ms) {
  if (ms < 1000) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.3g} s", ms / 1000.0);
}

// What one source gave, for the message: "dns 1.10 s, not found".
std::string source_text(const NameLookup& lookup) {
  std::string outcome = lookup.exit_status == 0   ? "found"
                        : lookup.exit_status == 2 ? "not found"
                        : timed_out(lookup)       ? "timed out"
                                                  : fmt::format("exit {}", lookup.exit_status);
  return fmt::format("{} {}, {}", lookup.source, duration_text(lookup.ms), outcome);
}

// One problem of one name on one host, before grouping.
struct Problem {
  Status status;
  std::string what;  // "slow", "unresolved", "timed out after ..."
  std::string source;
  std::string host;
  std::string name;
  double ms;
  std::string detail;  // the sources' outcomes
};

class HostJudge {
 public:
  HostJudge(const HostNameResolution& host, const NameResolutionLimits& limits) : limits_(limits) {
    for (const auto& lookup : host.report.lookups) {
      by_key_.emplace(std::make_pair(lookup.name, lookup.source), &lookup);
    }
  }

  const NameLookup* find(const std::string& name, const char* source) const {
    const auto it = by_key_.find(std::make_pair(name, std::string(source)));
    return it == by_key_.end() ? nullptr : it->second;
  }

  // The sources timed at warning_ms or more (or cut): "dns", "files and
  // dns"; "the NSS path" when neither alone is slow.
  std::string slow_source(const std::string& name) const {
    std::vector<std::string> slow;
    for (const char* source : {"files", "dns"}) {
      const auto* lookup = find(name, source);
      if (lookup && (lookup->ms >= limits_.warning_ms || timed_out(*lookup)))
        slow.emplace_back(source);
    }
    if (slow.empty()) return "the NSS path";
    return slow.size() == 1 ? slow.front() : slow[0] + " and " + slow[1];
  }

  std::string details(const std::string& name) const {
    std::string out;
    for (const char* source : {"files", "dns"}) {
      const auto* lookup = find(name, source);
      if (!lookup) continue;
      out += (out.empty() ? "" : "; ") + source_text(*lookup);
    }
    return out;
  }

 private:
  const NameResolutionLimits& limits_;
  std::map<std::pair<std::string, std::string>, const NameLookup*> by_key_;
};

// Problems of the same status, kind and source, grouped: names that share
// their hosts are listed once ("top2, top3 slow through dns on top1,
// worker01 (worst 1.21 s ...)").
void add_grouped(detail::Findings& findings, const std::vector<Problem>& problems,
                 const NameResolutionLimits& limits) {
  using Key = std::tuple<int, std::string, std::string>;
  std::map<Key, std::vector<const Problem*>> groups;
  for (const auto& p : problems) groups[{severity(p.status), p.what, p.source}].push_back(&p);
  for (const auto& [key, members] : groups) {
    // host -> its names, then hosts with the same names together.
    std::map<std::string, std::vector<std::string>> names_of;
    std::vector<std::string> host_order;
    double worst_ms = 0;
    for (const auto* p : members) {
      if (!names_of.count(p->host)) host_order.push_back(p->host);
      names_of[p->host].push_back(p->name);
      worst_ms = std::max(worst_ms, p->ms);
    }
    std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> sets;
    for (const auto& host : host_order) {
      const auto& names = names_of[host];
      auto same =
          std::find_if(sets.begin(), sets.end(), [&](const auto& s) { return s.first == names; });
      if (same == sets.end()) {
        sets.push_back({names, {host}});
      } else {
        same->second.push_back(host);
      }
    }
    const Problem& first = *members.front();
    for (const auto& [names, hosts] : sets) {
      std::string text;
      if (first.what == "slow") {
        const bool critical = first.status == Status::critical;
        text = fmt::format("{} slow through {} on {} (worst {}, {} at {})",
                           detail::join_names(names, 5), first.source, detail::join_names(hosts, 5),
                           duration_text(worst_ms), critical ? "critical" : "warning",
                           duration_text(critical ? limits.critical_ms : limits.warning_ms));
      } else {
        // One name on one host: its sources' outcomes say why.
        const std::string why = names.size() == 1 && hosts.size() == 1 && !first.detail.empty()
                                    ? fmt::format("; {}", first.detail)
                                    : std::string();
        const std::string slow_part =
            first.source.empty()
                ? fmt::format("in {}", duration_text(worst_ms))
                : fmt::format("{} slow, worst {}", first.source, duration_text(worst_ms));
        text = fmt::format("{} {} on {} ({}{})", detail::join_names(names, 5), first.what,
                           detail::join_names(hosts, 5), slow_part, why);
      }
      findings.add(first.status, std::move(text));
    }
  }
}

}  // namespace

CheckResult name_resolution_verdict(const std::vector<std::string>& names,
                                    const std::vector<HostNameResolution>& hosts,
                                    const NameResolutionLimits& limits) {
  CheckResult r;
  detail::Findings findings;
  std::vector<Problem> problems;
  double slowest_ms = 0;
  std::string slowest;
  std::size_t measured_hosts = 0;
  for (const auto& host : hosts) {
    auto fact = [&](const std::string& name, const char* state) {
      r.add_fact("name_resolution", host.host + " " + name, state);
    };
    if (!host.error.empty()) {
      findings.add(Status::unknown,
                   fmt::format("name resolution on {} not measured: {}", host.host, host.error));
      for (const auto& name : names) {
        fact(name, "unanswered");
        r.add_sample("greenlight_name_resolution_success", {{"host", host.host}, {"name", name}},
                     0);
      }
      continue;
    }
    ++measured_hosts;
    if (!host.report.hosts_line.empty())
      r.add_fact("nsswitch_hosts", host.host, host.report.hosts_line);
    const HostJudge judge(host, limits);
    for (const auto& name : names) {
      for (const char* source : {"nss", "files", "dns"}) {
        if (const auto* lookup = judge.find(name, source)) {
          r.add_sample("greenlight_name_resolution_seconds",
                       {{"host", host.host}, {"name", name}, {"source", source}},
                       lookup->ms / 1000.0);
        }
      }
      const NameLookup* nss = judge.find(name, "nss");
      const bool resolved = nss && nss->exit_status == 0 && !nss->address.empty();
      r.add_sample("greenlight_name_resolution_success", {{"host", host.host}, {"name", name}},
                   resolved ? 1 : 0);
      if (!nss) {
        fact(name, "unanswered");
        findings.add(Status::unknown, fmt::format("no timing of {} on {}", name, host.host));
        continue;
      }
      if (nss->exit_status != 0 && nss->exit_status != 2 && !timed_out(*nss)) {
        fact(name, "unanswered");
        findings.add(Status::unknown,
                     fmt::format("lookup of {} on {} did not run: exit {}{}", name, host.host,
                                 nss->exit_status,
                                 nss->exit_status == 127 ? " (getent or timeout not found)" : ""));
        continue;
      }
      if (nss->exit_status == 0 && nss->address.empty()) {
        fact(name, "unanswered");
        findings.add(Status::unknown,
                     fmt::format("getent found {} on {} but printed no address", name, host.host));
        continue;
      }
      const bool slow = nss->ms >= limits.warning_ms || timed_out(*nss);
      const std::string source = slow ? judge.slow_source(name) : std::string();
      if (timed_out(*nss)) {
        fact(name, "timeout");
        problems.push_back(
            {Status::critical,
             fmt::format("timed out after {}", duration_text(limits.lookup_timeout_ms)), source,
             host.host, name, nss->ms, judge.details(name)});
      } else if (nss->exit_status == 2) {
        fact(name, "unresolved");
        problems.push_back({Status::critical, "unresolved", source, host.host, name, nss->ms,
                            judge.details(name)});
      } else if (slow) {
        fact(name, "slow");
        problems.push_back({nss->ms >= limits.critical_ms ? Status::critical : Status::warning,
                            "slow", source, host.host, name, nss->ms, judge.details(name)});
      } else {
        fact(name, "ok");
      }
      if (slow) r.add_fact("name_resolution_slow", host.host + " " + name, source);
      if (nss->ms >= slowest_ms) {
        slowest_ms = nss->ms;
        slowest = fmt::format("{} on {}", name, host.host);
      }
    }
  }
  add_grouped(findings, problems, limits);
  if (hosts.empty()) findings.add(Status::unknown, "no host to measure on");
  if (names.empty()) findings.add(Status::unknown, "no name to resolve");
  r.status = findings.status();
  r.message = findings.message(fmt::format("{} resolved on {} in under {} (slowest {}: {})",
                                           detail::count_of(names.size(), "name", "names"),
                                           detail::count_of(measured_hosts, "host", "hosts"),
                                           duration_text(limits.warning_ms), slowest,
                                           duration_text(slowest_ms)));
  return r;
}

}  // namespace greenlight::checks
