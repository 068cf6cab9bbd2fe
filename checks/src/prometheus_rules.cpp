#include "greenlight/checks/prometheus_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "greenlight/core/json.h"
#include "listing.h"
#include "text.h"

namespace greenlight::checks {
namespace {

using nlohmann::json;
constexpr int kMaxDepth = 64;

// data of a Prometheus API answer `{"status":"success","data":{...}}`.
Parsed<json> api_data(std::string_view text, const char* what) {
  if (auto at = json_too_deep(text, kMaxDepth))
    return ParseError{
        fmt::format("{}: JSON nested deeper than {} at byte {}", what, kMaxDepth, *at)};
  json document = json::parse(text.begin(), text.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return ParseError{fmt::format("{}: not a JSON object ({} bytes)", what, text.size())};
  const auto status = document.find("status");
  if (status == document.end() || !status->is_string() || *status != "success") {
    const auto error = document.find("error");
    return ParseError{fmt::format(
        "{}: status is not success: {}", what,
        error != document.end() && error->is_string() ? error->get<std::string>() : "no reason")};
  }
  const auto data = document.find("data");
  if (data == document.end() || !data->is_object())
    return ParseError{fmt::format("{}: no data object", what)};
  return json(*data);
}

int digits(std::string_view text, std::size_t at, std::size_t n) {
  if (at + n > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::chrono::milliseconds seconds_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(it->get<double>() * 1000));
}

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:.0f}s", std::chrono::duration<double>(d).count());
}

}  // namespace

std::optional<PromTime> parse_prometheus_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  std::size_t at = 19;
  long long nanos = 0;
  if (at < text.size() && text[at] == '.') {
    long long scale = 100'000'000;
    ++at;
    const std::size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      nanos += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return std::nullopt;
  }
  long offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int oh = digits(text, at + 1, 2), om = digits(text, at + 4, 2);
    if (oh < 0 || om < 0 || text[at + 3] != ':') return std::nullopt;
    offset = (text[at] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  if (year < 1970) return PromTime{};
  // system_clock counts nanoseconds in 64 bits: it ends in April 2262.
  if (year > 2261) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             std::chrono::nanoseconds(nanos));
}

Parsed<PromTime> parse_runtimeinfo_start(std::string_view text) {
  constexpr const char* kWhat = "Prometheus /api/v1/status/runtimeinfo";
  auto data = api_data(text, kWhat);
  if (!data) return data.error();
  const auto start = data->find("startTime");
  if (start == data->end() || !start->is_string())
    return ParseError{fmt::format("{}: no data.startTime", kWhat)};
  const auto parsed = parse_prometheus_time(start->get<std::string>());
  if (!parsed || *parsed == PromTime{})
    return ParseError{fmt::format("{}: bad startTime \"{}\"", kWhat, start->get<std::string>())};
  return *parsed;
}

Parsed<std::vector<AlertingRule>> parse_alerting_rules(std::string_view text) {
  constexpr const char* kWhat = "Prometheus /api/v1/rules";
  auto data = api_data(text, kWhat);
  if (!data) return data.error();
  const auto groups = data->find("groups");
  if (groups == data->end() || !groups->is_array())
    return ParseError{fmt::format("{}: no data.groups array", kWhat)};
  std::vector<AlertingRule> out;
  for (const auto& group : *groups) {
    if (!group.is_object()) return ParseError{fmt::format("{}: a group is not an object", kWhat)};
    const auto name = group.find("name");
    const auto rules = group.find("rules");
    const auto evaluated = group.find("lastEvaluation");
    if (name == group.end() || !name->is_string() || rules == group.end() || !rules->is_array())
      return ParseError{fmt::format("{}: a group without name or rules", kWhat)};
    std::optional<PromTime> when;
    if (evaluated != group.end() && evaluated->is_string())
      when = parse_prometheus_time(evaluated->get<std::string>());
    if (!when) {
      return ParseError{
          fmt::format("{}: group {}: no readable lastEvaluation", kWhat, name->get<std::string>())};
    }
    for (const auto& rule : *rules) {
      if (!rule.is_object()) return ParseError{fmt::format("{}: a rule is not an object", kWhat)};
      const auto type = rule.find("type");
      if (type == rule.end() || *type != "alerting") continue;
      const auto rule_name = rule.find("name");
      const auto state = rule.find("state");
      if (rule_name == rule.end() || !rule_name->is_string() || state == rule.end() ||
          !state->is_string())
        return ParseError{fmt::format("{}: group {}: an alerting rule without name or state", kWhat,
                                      name->get<std::string>())};
      out.push_back({rule_name->get<std::string>(), name->get<std::string>(),
                     state->get<std::string>(), seconds_field(rule, "duration"),
                     seconds_field(group, "interval"), *when});
    }
  }
  return out;
}

std::optional<std::string> rules_not_ready(const std::vector<AlertingRule>& rules, PromTime start,
                                           const AlertExpectation& expect,
                                           std::chrono::milliseconds min_uptime) {
  std::vector<const AlertingRule*> selected;
  PromTime latest{};
  for (const auto& rule : rules) {
    latest = std::max(latest, rule.group_evaluated);
    if (alert_selected(rule.name, expect)) selected.push_back(&rule);
  }
  if (selected.empty()) return std::string("no alerting rule to evaluate");
  const auto up = std::chrono::duration_cast<std::chrono::milliseconds>(
      latest > start ? latest - start : PromTime::duration(0));
  std::vector<std::string> groups, pending;
  for (const AlertingRule* rule : selected) {
    if (rule->group_evaluated <= start) {
      if (std::find(groups.begin(), groups.end(), rule->group) == groups.end())
        groups.push_back(rule->group);
    } else if (rule->state == "pending" && up < rule->for_duration + rule->interval) {
      pending.push_back(fmt::format("{} (for: {})", rule->name, seconds_text(rule->for_duration)));
    }
  }
  std::vector<std::string> why;
  if (!groups.empty()) {
    why.push_back(fmt::format("rule group{} {} not evaluated since Prometheus started",
                              groups.size() == 1 ? "" : "s", detail::join_names(groups, 3)));
  }
  if (up < min_uptime) {
    why.push_back(fmt::format("Prometheus up {}, less than min_uptime {}", seconds_text(up),
                              seconds_text(min_uptime)));
  }
  if (!pending.empty()) {
    why.push_back(fmt::format("pending since Prometheus started {} ago: {}", seconds_text(up),
                              detail::join_names(pending, 3)));
  }
  if (why.empty()) return std::nullopt;
  std::string out;
  for (const auto& w : why) out += (out.empty() ? "" : "; ") + w;
  return out;
}

}  // namespace greenlight::checks
