// The bodies of /metrics and /api/v1/checks, built from a snapshot on each
// request.
#include <fmt/format.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <map>

#include "greenlight/exporter/server.h"

namespace greenlight::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

ClientMetric gauge(std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string render_metrics(const Snapshot& snapshot, const std::string& version) {
  MetricFamily status{
      "greenlight_check_status",
      "Latest status of the check: 0 ok, 1 warning, 2 critical, 3 unknown (3 until it ran).",
      prometheus::MetricType::Gauge,
      {}};
  MetricFamily success{
      "greenlight_check_success",
      "1 when the check's latest run could judge (status not unknown), 0 otherwise.",
      prometheus::MetricType::Gauge,
      {}};
  MetricFamily duration{"greenlight_check_duration_seconds",
                        "Duration of the check's latest run.",
                        prometheus::MetricType::Gauge,
                        {}};
  MetricFamily last_run{"greenlight_check_last_run_timestamp_seconds",
                        "When the check's latest run finished (Unix time), 0 until it ran.",
                        prometheus::MetricType::Gauge,
                        {}};
  std::map<std::string, MetricFamily> samples;
  for (const auto& check : snapshot.checks()) {
    std::vector<ClientMetric::Label> labels{{"check", check.name}, {"kind", check.kind}};
    if (!check.result) {
      status.metric.push_back(gauge(labels, 3));
      success.metric.push_back(gauge(labels, 0));
      duration.metric.push_back(gauge(labels, 0));
      last_run.metric.push_back(gauge(labels, 0));
      continue;
    }
    const auto& r = *check.result;
    status.metric.push_back(gauge(labels, static_cast<double>(r.status)));
    success.metric.push_back(gauge(labels, r.status == checks::Status::unknown ? 0 : 1));
    duration.metric.push_back(
        gauge(labels, std::chrono::duration<double>(r.finished - r.started).count()));
    last_run.metric.push_back(gauge(labels, unix_seconds(r.finished)));
    for (const auto& sample : r.samples) {
      auto& family = samples[sample.name];
      if (family.name.empty()) {
        family.name = sample.name;
        family.help = fmt::format("Reported by greenlight checks of kind {}.", check.kind);
        family.type = prometheus::MetricType::Gauge;
      }
      std::vector<ClientMetric::Label> sample_labels{{"check", check.name}};
      for (const auto& [name, value] : sample.labels) {
        if (name != "check") sample_labels.push_back({name, value});
      }
      family.metric.push_back(gauge(std::move(sample_labels), sample.value));
    }
  }
  std::vector<MetricFamily> families{MetricFamily{"greenlight_build_info",
                                                  "greenlight's version (always 1).",
                                                  prometheus::MetricType::Gauge,
                                                  {gauge({{"version", version}}, 1)}},
                                     status, success, duration, last_run};
  for (auto& [name, family] : samples) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

std::string render_checks_json(const Snapshot& snapshot) {
  std::string out = "{\"checks\": [";
  bool first = true;
  for (const auto& check : snapshot.checks()) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += fmt::format(R"({{"check": {}, "kind": {}, "host": {})", json_string(check.name),
                       json_string(check.kind), json_string(check.host));
    if (check.result) {
      const auto& r = *check.result;
      out += fmt::format(R"(, "status": {}, "message": {}, "started": {:.3f}, "finished": {:.3f})",
                         json_string(checks::to_string(r.status)), json_string(r.message),
                         unix_seconds(r.started), unix_seconds(r.finished));
    } else {
      out += R"(, "status": "PENDING", "message": "not run yet")";
    }
    out += "}";
  }
  return out + "\n]}\n";
}

}  // namespace greenlight::exporter
