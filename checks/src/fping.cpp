#include "greenlight/checks/fping.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "listing.h"
#include "text.h"

namespace greenlight::checks {

using detail::split_blank;
using detail::trim;

namespace {

std::optional<double> to_double(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

bool valid_host(std::string_view host) {
  return !host.empty() && host.find_first_of(" \t") == std::string_view::npos;
}

// "-C" samples: every token a number or "-".
bool parse_samples(std::string_view rest, PingTarget& t) {
  const auto tokens = split_blank(rest);
  if (tokens.empty()) return false;
  std::vector<std::optional<double>> samples;
  for (const auto tok : tokens) {
    if (tok == "-") {
      samples.emplace_back();
    } else if (auto v = to_double(tok)) {
      samples.emplace_back(v);
    } else {
      return false;
    }
  }
  t.rtts_ms = std::move(samples);
  t.sent = static_cast<std::uint32_t>(t.rtts_ms.size());
  t.received = 0;
  double sum = 0;
  for (const auto& s : t.rtts_ms) {
    if (!s) continue;
    ++t.received;
    sum += *s;
    t.min_ms = t.min_ms ? std::min(*t.min_ms, *s) : *s;
    t.max_ms = t.max_ms ? std::max(*t.max_ms, *s) : *s;
  }
  if (t.received > 0) t.avg_ms = sum / t.received;
  return true;
}

// "-c" summary: "xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.010/0.034/0.047".
bool parse_summary(std::string_view rest, PingTarget& t) {
  rest = trim(rest);
  constexpr std::string_view kXmt = "xmt/rcv/%loss = ";
  if (rest.substr(0, kXmt.size()) != kXmt) return false;
  rest.remove_prefix(kXmt.size());
  const auto comma = rest.find(',');
  const std::string_view counts = rest.substr(0, comma);
  const auto s1 = counts.find('/');
  const auto s2 = counts.find('/', s1 == std::string_view::npos ? s1 : s1 + 1);
  if (s1 == std::string_view::npos || s2 == std::string_view::npos) return false;
  const auto sent = detail::to_uint(counts.substr(0, s1));
  const auto recv = detail::to_uint(counts.substr(s1 + 1, s2 - s1 - 1));
  if (!sent || !recv || *recv > *sent || *sent > 0xffffffffu) return false;
  t.sent = static_cast<std::uint32_t>(*sent);
  t.received = static_cast<std::uint32_t>(*recv);
  if (comma != std::string_view::npos) {
    std::string_view stats = trim(rest.substr(comma + 1));
    constexpr std::string_view kMin = "min/avg/max = ";
    if (stats.substr(0, kMin.size()) != kMin) return false;
    stats.remove_prefix(kMin.size());
    const auto a = stats.find('/');
    const auto b = a == std::string_view::npos ? a : stats.find('/', a + 1);
    if (b == std::string_view::npos) return false;
    t.min_ms = to_double(stats.substr(0, a));
    t.avg_ms = to_double(stats.substr(a + 1, b - a - 1));
    t.max_ms = to_double(stats.substr(b + 1));
    if (!t.min_ms || !t.avg_ms || !t.max_ms) return false;
  }
  return true;
}

}  // namespace

double PingTarget::loss_percent() const {
  if (sent == 0) return 100;
  return 100.0 * (sent - received) / sent;
}

Parsed<PingReport> parse_fping(std::string_view output) {
  PingReport report;
  std::map<std::string, std::size_t, std::less<>> index;
  auto target = [&](std::string_view host) -> PingTarget& {
    const auto it = index.find(host);
    if (it != index.end()) return report.targets[it->second];
    index.emplace(std::string(host), report.targets.size());
    report.targets.push_back(PingTarget{});
    report.targets.back().host = std::string(host);
    return report.targets.back();
  };
  std::size_t nonblank = 0;
  std::size_t line_no = 0;
  while (!output.empty()) {
    const auto nl = output.find('\n');
    const std::string_view line = trim(output.substr(0, nl));
    output.remove_prefix(nl == std::string_view::npos ? output.size() : nl + 1);
    ++line_no;
    if (line.empty()) continue;
    ++nonblank;
    if (line.substr(0, 5) == "ICMP ") continue;  // notices, repeated per probe
    bool known = false;
    const auto sep = line.find(" : ");
    if (sep != std::string_view::npos) {
      const std::string_view host = trim(line.substr(0, sep));
      const std::string_view rest = line.substr(sep + 3);
      if (rest.substr(0, 1) == "[") continue;  // per-probe line without -q
      if (valid_host(host)) {
        PingTarget probe;
        probe.host = std::string(host);
        if (parse_samples(rest, probe) || parse_summary(rest, probe)) {
          PingTarget& t = target(host);
          t = std::move(probe);
          known = true;
        }
      }
    } else if (const auto alive = line.find(" is alive"); alive != std::string_view::npos) {
      const std::string_view host = line.substr(0, alive);
      if (valid_host(host)) {
        PingTarget& t = target(host);
        if (t.sent == 0) {
          t.sent = 1;
          t.received = 1;
          // "(0.013 ms)" when fping printed the RTT (-e).
          const auto open = line.find('(', alive);
          if (open != std::string_view::npos) {
            const auto ms = line.find(" ms)", open);
            if (ms != std::string_view::npos) {
              if (auto v = to_double(line.substr(open + 1, ms - open - 1))) {
                t.min_ms = t.avg_ms = t.max_ms = v;
                t.rtts_ms = {v};
              }
            }
          }
        }
        known = true;
      }
    } else if (line.size() > 15 && line.substr(line.size() - 15) == " is unreachable") {
      const std::string_view host = line.substr(0, line.size() - 15);
      if (valid_host(host)) {
        PingTarget& t = target(host);
        if (t.sent == 0) t.sent = 1;
        known = true;
      }
    } else if (const auto colon = line.find(": "); colon != std::string_view::npos) {
      // getaddrinfo failure: "name: Name or service not known".
      const std::string_view host = line.substr(0, colon);
      if (!host.empty() && host.find_first_of(" \t") == std::string_view::npos) {
        PingTarget& t = target(host);
        t.resolved = false;
        t.error = std::string(trim(line.substr(colon + 2)));
        known = true;
      }
    }
    if (!known && report.skipped.size() < 20) {
      report.skipped.push_back("line " + std::to_string(line_no) + ": " +
                               std::string(line.substr(0, 120)));
    }
  }
  if (report.targets.empty() && nonblank > 0 && !report.skipped.empty()) {
    return ParseError{"fping: no target result in the output (" + report.skipped.front() + ")"};
  }
  return report;
}

}  // namespace greenlight::checks
