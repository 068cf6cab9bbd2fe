// The /metrics body, built from a snapshot on each request: per-check
// series, the checks' own samples, their histograms (one version of the
// result store), and the runs and gates collected from their source.
#include <fmt/format.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <limits>
#include <map>

#include "greenlight/exporter/server.h"
#include "json.h"

namespace greenlight::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using PromLabels = std::vector<ClientMetric::Label>;

ClientMetric gauge(PromLabels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

MetricFamily family(std::string name, std::string help,
                    prometheus::MetricType type = prometheus::MetricType::Gauge) {
  return MetricFamily{std::move(name), std::move(help), type, {}};
}

double seconds_or_zero(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? detail::unix_seconds(*t) : 0;
}

PromLabels with_check(const std::string& check, const Labels& labels) {
  PromLabels out{{"check", check}};
  for (const auto& [name, value] : labels) {
    if (name != "check") out.push_back({name, value});
  }
  return out;
}

ClientMetric histogram(PromLabels labels, const checks::Histogram& h) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = h.count;
  metric.histogram.sample_sum = h.sum;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    metric.histogram.bucket.push_back(
        {cumulative, i < h.bounds.size() ? h.bounds[i] : std::numeric_limits<double>::infinity()});
  }
  return metric;
}

void add_check_families(const Snapshot& snapshot, std::vector<MetricFamily>& out) {
  auto status = family("greenlight_check_status",
                       "Latest status of the check: 0 ok, 1 warning, 2 critical, 3 unknown (3 "
                       "until it ran).");
  auto success = family("greenlight_check_success",
                        "1 when the check's latest run could judge (status not unknown), 0 "
                        "otherwise.");
  auto duration =
      family("greenlight_check_duration_seconds", "Duration of the check's latest run.");
  auto last_run = family("greenlight_check_last_run_timestamp_seconds",
                         "When the check's latest run finished (Unix time), 0 until it ran.");
  auto last_success = family("greenlight_check_last_success_timestamp_seconds",
                             "When the check last ran and could judge (Unix time), 0 never.");
  auto last_ok = family("greenlight_check_last_ok_timestamp_seconds",
                        "When the check was last ok (Unix time), 0 never.");
  std::map<std::string, MetricFamily> samples;
  std::map<std::string, MetricFamily> histograms;
  const auto version = snapshot.checks();
  for (const auto& stored : version->checks) {
    const checks::StoredCheck& check = *stored;
    const PromLabels labels{{"check", check.name}, {"kind", check.kind}};
    last_success.metric.push_back(gauge(labels, seconds_or_zero(check.last_success)));
    last_ok.metric.push_back(gauge(labels, seconds_or_zero(check.last_ok)));
    for (const auto& h : check.histograms) {
      auto& f = histograms[h.name];
      if (f.name.empty()) {
        f = family(h.name, fmt::format("Observations of greenlight checks of kind {}.", check.kind),
                   prometheus::MetricType::Histogram);
      }
      f.metric.push_back(histogram(with_check(check.name, h.labels), h));
    }
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
    last_run.metric.push_back(gauge(labels, detail::unix_seconds(r.finished)));
    for (const auto& sample : r.samples) {
      auto& f = samples[sample.name];
      if (f.name.empty()) {
        f = family(sample.name,
                   fmt::format("Reported by greenlight checks of kind {}.", check.kind));
      }
      f.metric.push_back(gauge(with_check(check.name, sample.labels), sample.value));
    }
  }
  for (auto* f : {&status, &success, &duration, &last_run, &last_success, &last_ok}) {
    out.push_back(std::move(*f));
  }
  for (auto& [name, f] : samples) out.push_back(std::move(f));
  for (auto& [name, f] : histograms) out.push_back(std::move(f));
}

// One series per state in `states`, 1 for `current`: the pattern of
// node_exporter's node_systemd_unit_state, so a state change never makes a
// series vanish.
template <typename States>
void add_states(MetricFamily& f, const PromLabels& labels, const States& states,
                const std::string& current) {
  for (const auto& state : states) {
    PromLabels l = labels;
    l.push_back({"state", state});
    f.metric.push_back(gauge(std::move(l), current == state ? 1 : 0));
  }
}

void add_run_families(const Snapshot& snapshot, std::vector<MetricFamily>& out) {
  const auto now = std::chrono::system_clock::now();
  const auto collected = snapshot.runs();  // one collection: runs and gates agree
  const auto& runs = collected->runs;
  auto active = family("greenlight_runs_active",
                       "Runs of a runbook in progress (running, waiting on a gate or asking).");
  double in_progress = 0;
  auto run_state = family("greenlight_run_state",
                          "One series per state of each run, 1 for its current state.");
  auto phase_state = family("greenlight_run_phase_state",
                            "One series per state of each phase of a run, 1 for its state.");
  auto phase_duration =
      family("greenlight_run_phase_duration_seconds", "Time a phase ran (so far, while it runs).");
  auto step_state = family("greenlight_run_step_state",
                           "One series per state of each step of a run, 1 for its state.");
  auto step_duration = family("greenlight_run_step_duration_seconds",
                              "Duration of a step's last attempt (so far, while it runs).");
  auto remedies = family("greenlight_gate_remedy_attempts_total",
                         "Remedy attempts of a gate in a run (its own and the operator's).",
                         prometheus::MetricType::Counter);
  for (const auto& run : runs) {
    for (const auto& remedy : run.remedies) {
      ClientMetric metric;
      metric.label = {{"run", run.id}, {"phase", remedy.phase}, {"gate", remedy.gate}};
      metric.counter.value = remedy.attempts;
      remedies.metric.push_back(std::move(metric));
    }
    if (run.state == "running" || run.state == "waiting" || run.state == "asking") ++in_progress;
    add_states(run_state, {{"run", run.id}, {"runbook", run.runbook}}, collected->run_states,
               run.state);
    for (const auto& phase : run.phases) {
      const PromLabels labels{{"run", run.id}, {"runbook", run.runbook}, {"phase", phase.name}};
      add_states(phase_state, labels, kPhaseStates, phase.state);
      if (phase.started) {
        const auto end = phase.finished.value_or(now);
        phase_duration.metric.push_back(
            gauge(labels, std::chrono::duration<double>(end - *phase.started).count()));
      }
      for (const auto& step : phase.steps) {
        PromLabels step_labels = labels;
        step_labels.push_back({"step", step.name});
        step_labels.push_back({"kind", step.kind});
        add_states(step_state, step_labels, kPhaseStates, step.state);
        if (step.duration) {
          step_duration.metric.push_back(
              gauge(step_labels, std::chrono::duration<double>(*step.duration).count()));
        }
      }
    }
  }
  active.metric.push_back(gauge({}, in_progress));
  auto green = family("greenlight_gate_green", "1 when the gate is green, 0 red or unknown.");
  auto waiting = family("greenlight_gate_waiting_seconds",
                        "How long the run has been waiting on the gate, 0 when it does not wait.");
  for (const auto& gate : collected->gates) {
    const PromLabels labels{{"run", gate.run}, {"phase", gate.phase}, {"gate", gate.name}};
    green.metric.push_back(gauge(labels, gate.status == "green" ? 1 : 0));
    waiting.metric.push_back(gauge(
        labels,
        gate.waiting_since ? std::chrono::duration<double>(now - *gate.waiting_since).count() : 0));
  }
  for (auto* f : {&active, &run_state, &phase_state, &phase_duration, &step_state, &step_duration,
                  &green, &waiting, &remedies}) {
    if (!f->metric.empty()) out.push_back(std::move(*f));
  }
}

}  // namespace

std::string render_metrics(const Snapshot& snapshot, const std::string& version) {
  std::vector<MetricFamily> families;
  families.push_back(family("greenlight_build_info", "greenlight's version (always 1)."));
  families.back().metric.push_back(gauge({{"version", version}}, 1));
  add_check_families(snapshot, families);
  add_run_families(snapshot, families);
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace greenlight::exporter
