#include "greenlight/checks/power.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "findings.h"
#include "listing.h"
#include "text.h"

namespace greenlight::checks {
namespace {

constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Parsed<bool> parse_chassis_power(std::string_view output) {
  std::optional<bool> on;
  std::size_t start = 0;
  while (start <= output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    const std::string line = lower(output.substr(start, end - start));
    start = end + 1;
    const auto at = line.find("power is ");
    if (at == std::string::npos) continue;
    std::string word = line.substr(at + 9);
    while (!word.empty() && std::isspace(static_cast<unsigned char>(word.back()))) word.pop_back();
    std::optional<bool> said;
    if (word == "on") said = true;
    if (word == "off") said = false;
    if (!said) continue;
    if (on && *on != *said) return ParseError{"power status says both on and off"};
    on = said;
  }
  if (!on) {
    const std::string_view text = detail::trim(output);
    return ParseError{fmt::format("no 'power is on|off' in the status output: '{}'",
                                  text.substr(0, std::min<std::size_t>(text.find('\n'), 120)))};
  }
  return *on;
}

CheckResult power_state_verdict(const std::vector<NodePower>& nodes, PowerGoal goal) {
  CheckResult r;
  detail::Findings findings;
  const bool want_on = goal == PowerGoal::on;
  std::vector<std::string> good;
  for (const auto& n : nodes) {
    const std::vector<std::pair<std::string, std::string>> labels{{"node", n.node}};
    r.add_sample("greenlight_chassis_power_on", labels,
                 n.chassis_on ? (*n.chassis_on ? 1 : 0) : kUnknown);
    if (!n.address.empty()) {
      r.add_sample("greenlight_power_ping_up", labels,
                   n.answers_ping ? (*n.answers_ping ? 1 : 0) : kUnknown);
    }
    r.add_fact("power", n.node, !n.chassis_on ? "unknown" : *n.chassis_on ? "on" : "off");
    if (!n.chassis_on) {
      findings.add(Status::unknown, fmt::format("{} power not read: {}", n.node, n.chassis_error));
      continue;
    }
    if (*n.chassis_on != want_on) {
      findings.add(Status::critical,
                   fmt::format("{} chassis {}", n.node, *n.chassis_on ? "on" : "off"));
      continue;
    }
    if (n.address.empty()) {
      good.push_back(n.node);
      continue;
    }
    if (!n.answers_ping) {
      findings.add(Status::unknown, fmt::format("{} chassis {}, no ping result for {}{}", n.node,
                                                want_on ? "on" : "off", n.address,
                                                n.ping_error.empty() ? "" : ": " + n.ping_error));
    } else if (*n.answers_ping != want_on) {
      if (want_on) {
        findings.add(Status::warning,
                     fmt::format("{} chassis on, {} does not answer ping yet", n.node, n.address));
      } else {
        findings.add(Status::critical,
                     fmt::format("{} chassis off, but {} still answers ping", n.node, n.address));
      }
    } else {
      good.push_back(n.node);
    }
  }
  if (nodes.empty()) findings.add(Status::unknown, "no node to verify");
  r.status = findings.status();
  r.message = findings.message(fmt::format("{} node{} powered {}: {}", good.size(),
                                           good.size() == 1 ? "" : "s", want_on ? "on" : "off",
                                           detail::join_names(good, 8)));
  return r;
}

}  // namespace greenlight::checks
