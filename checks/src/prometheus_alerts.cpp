#include "greenlight/checks/prometheus_alerts.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "findings.h"
#include "greenlight/core/json.h"

namespace greenlight::checks {
namespace {

using nlohmann::json;

// nlohmann's parser is iterative, but a document nested thousands deep is
// no answer of these APIs: refused before parsing, whatever it holds.
constexpr int kMaxDepth = 64;

const char* api_name(AlertApi api) {
  return api == AlertApi::prometheus ? "Prometheus /api/v1/alerts" : "Alertmanager /api/v2/alerts";
}

// One alert object; nullopt with `why` set when a field is missing or has the
// wrong type.
std::optional<Alert> read_alert(const json& item, AlertApi api, std::string& why) {
  if (!item.is_object()) {
    why = "is not an object";
    return std::nullopt;
  }
  Alert alert;
  const auto labels = item.find("labels");
  if (labels == item.end() || !labels->is_object()) {
    why = "has no labels object";
    return std::nullopt;
  }
  for (const auto& [key, value] : labels->items()) {
    if (!value.is_string()) {
      why = fmt::format("label {} is not a string", key);
      return std::nullopt;
    }
    alert.labels.emplace_back(key, value.get<std::string>());
    if (key == "alertname") alert.name = value.get<std::string>();
  }
  std::sort(alert.labels.begin(), alert.labels.end());
  const json* state = nullptr;
  if (api == AlertApi::prometheus) {
    const auto found = item.find("state");
    if (found != item.end()) state = &*found;
    const auto since = item.find("activeAt");
    if (since != item.end() && since->is_string()) alert.since = since->get<std::string>();
  } else {
    const auto status = item.find("status");
    if (status != item.end() && status->is_object()) {
      const auto found = status->find("state");
      if (found != status->end()) state = &*found;
    }
    const auto since = item.find("startsAt");
    if (since != item.end() && since->is_string()) alert.since = since->get<std::string>();
  }
  if (state == nullptr || !state->is_string()) {
    why = api == AlertApi::prometheus ? "has no state string" : "has no status.state string";
    return std::nullopt;
  }
  alert.state = state->get<std::string>();
  return alert;
}

std::string describe(const Alert& alert) {
  std::string out = alert.name.empty() ? "(alert without alertname)" : alert.name;
  std::string labels;
  for (const auto& [key, value] : alert.labels) {
    if (key == "alertname") continue;
    if (!labels.empty()) labels += ", ";
    labels += key + "=" + value;
  }
  if (!labels.empty()) out += " (" + labels + ")";
  return out;
}

Status status_of(const Alert& alert, FiringStatus firing) {
  if (firing == FiringStatus::critical) return Status::critical;
  if (firing == FiringStatus::warning) return Status::warning;
  for (const auto& [key, value] : alert.labels) {
    if (key == "severity" && (value == "warning" || value == "info")) return Status::warning;
  }
  return Status::critical;
}

}  // namespace

bool Alert::firing() const {
  // Alertmanager's "unprocessed" is an alert received and not yet judged
  // silenced or inhibited: counted, so as not to open a gate too early.
  return state == "firing" || state == "active" || state == "unprocessed";
}

Parsed<std::vector<Alert>> parse_alerts(std::string_view text, AlertApi api) {
  if (auto at = json_too_deep(text, kMaxDepth)) {
    return ParseError{
        fmt::format("{}: JSON nested deeper than {} at byte {}", api_name(api), kMaxDepth, *at)};
  }
  const json document = json::parse(text.begin(), text.end(), nullptr, false);
  if (document.is_discarded()) {
    return ParseError{fmt::format("{}: not JSON ({} bytes{})", api_name(api), text.size(),
                                  text.empty() ? ", empty answer" : "")};
  }
  const json* list = &document;
  if (api == AlertApi::prometheus) {
    if (!document.is_object()) return ParseError{"Prometheus /api/v1/alerts: not a JSON object"};
    const auto status = document.find("status");
    if (status == document.end() || !status->is_string())
      return ParseError{"Prometheus /api/v1/alerts: no status"};
    if (*status != "success") {
      const auto error = document.find("error");
      return ParseError{fmt::format(
          "Prometheus /api/v1/alerts: status {}: {}", status->get<std::string>(),
          error != document.end() && error->is_string() ? error->get<std::string>() : "no reason")};
    }
    const auto data = document.find("data");
    if (data == document.end() || !data->is_object())
      return ParseError{"Prometheus /api/v1/alerts: no data object"};
    const auto alerts = data->find("alerts");
    if (alerts == data->end()) return ParseError{"Prometheus /api/v1/alerts: no data.alerts"};
    list = &*alerts;
  }
  if (!list->is_array())
    return ParseError{fmt::format("{}: the alerts are not a JSON array", api_name(api))};
  std::vector<Alert> out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string why;
    auto alert = read_alert((*list)[i], api, why);
    if (!alert) return ParseError{fmt::format("{}: alert {} {}", api_name(api), i, why)};
    out.push_back(std::move(*alert));
  }
  return out;
}

bool alert_selected(std::string_view name, const AlertExpectation& expect) {
  const std::string subject(name);
  const auto matches = [&subject](const std::string& pattern) {
    return fnmatch(pattern.c_str(), subject.c_str(), 0) == 0;
  };
  if (!expect.include.empty() &&
      std::none_of(expect.include.begin(), expect.include.end(), matches))
    return false;
  return std::none_of(expect.exclude.begin(), expect.exclude.end(), matches);
}

CheckResult prometheus_alerts_verdict(const std::vector<Alert>& alerts,
                                      const AlertExpectation& expect) {
  CheckResult r;
  detail::Findings findings;
  std::map<std::string, int> firing_by_name;
  int firing = 0, held = 0, ignored = 0;
  for (const auto& alert : alerts) {
    if (!alert_selected(alert.name, expect)) {
      ++ignored;
      continue;
    }
    if (!alert.firing()) {
      ++held;
      continue;
    }
    ++firing;
    ++firing_by_name[alert.name];
    r.add_fact("alert", alert.name, "firing");
    findings.add(status_of(alert, expect.firing), describe(alert));
  }
  r.add_sample("greenlight_alerts_firing", {}, firing);
  for (const auto& [name, count] : firing_by_name)
    r.add_sample("greenlight_alert_firing", {{"alertname", name}}, count);
  r.add_sample("greenlight_alerts_query_success", {}, 1);
  r.status = findings.status();
  std::string ok = "no alert firing";
  if (held) ok += fmt::format(" ({} pending or silenced)", held);
  if (ignored) ok += fmt::format(", {} filtered out", ignored);
  r.message = findings.empty() ? ok
                               : fmt::format("{} alert{} firing: {}", firing,
                                             firing == 1 ? "" : "s", findings.message(ok));
  return r;
}

CheckResult prometheus_alerts_unavailable(Status status, std::string reason) {
  CheckResult r;
  r.status = status;
  r.message = "cannot ask for alerts: " + std::move(reason);
  r.add_sample("greenlight_alerts_firing", {}, std::numeric_limits<double>::quiet_NaN());
  r.add_sample("greenlight_alerts_query_success", {}, 0);
  return r;
}

}  // namespace greenlight::checks
