#include "greenlight/exporter/snapshot.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace greenlight::exporter {
namespace {

bool same_series(const checks::Sample& a, const checks::Sample& b) {
  return a.name == b.name && a.labels == b.labels;
}

void observe(std::vector<Histogram>& histograms, const checks::Sample& observation) {
  auto it = std::find_if(histograms.begin(), histograms.end(), [&](const Histogram& h) {
    return h.name == observation.name && h.labels == observation.labels;
  });
  if (it == histograms.end()) {
    Histogram h;
    h.name = observation.name;
    h.labels = observation.labels;
    h.bounds = rtt_buckets();
    h.counts.assign(h.bounds.size() + 1, 0);
    histograms.push_back(std::move(h));
    it = std::prev(histograms.end());
  }
  const auto bucket = std::lower_bound(it->bounds.begin(), it->bounds.end(), observation.value);
  ++it->counts[static_cast<std::size_t>(bucket - it->bounds.begin())];
  ++it->count;
  it->sum += observation.value;
}

}  // namespace

const std::vector<double>& rtt_buckets() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
  return bounds;
}

void Snapshot::declare(std::string name, std::string kind, std::string host) {
  std::lock_guard lock(mutex_);
  ++version_;
  CheckState state;
  state.name = std::move(name);
  state.kind = std::move(kind);
  state.host = std::move(host);
  checks_.push_back(std::move(state));
}

void Snapshot::redeclare(const std::vector<CheckState>& checks) {
  std::lock_guard lock(mutex_);
  ++version_;
  std::vector<CheckState> next;
  for (const auto& declared : checks) {
    const auto old = std::find_if(checks_.begin(), checks_.end(), [&](const CheckState& c) {
      return c.name == declared.name && c.kind == declared.kind;
    });
    next.push_back(old != checks_.end() ? *old : declared);
    next.back().host = declared.host;
  }
  checks_ = std::move(next);
}

void Snapshot::update(const std::string& name, const checks::CheckResult& result) {
  std::lock_guard lock(mutex_);
  ++version_;
  for (auto& check : checks_) {
    if (check.name != name) continue;
    checks::CheckResult next = result;
    if (result.status == checks::Status::unknown && check.result) {
      for (const auto& old : check.result->samples) {
        const bool present =
            std::any_of(next.samples.begin(), next.samples.end(),
                        [&](const checks::Sample& s) { return same_series(s, old); });
        if (!present) {
          next.samples.push_back({old.name, old.labels, std::numeric_limits<double>::quiet_NaN()});
        }
      }
    }
    if (result.status != checks::Status::unknown) check.last_success = result.finished;
    if (result.status == checks::Status::ok) check.last_ok = result.finished;
    for (const auto& observation : result.observations) observe(check.histograms, observation);
    next.observations.clear();
    check.result = std::make_shared<const checks::CheckResult>(std::move(next));
  }
}

std::vector<CheckState> Snapshot::checks() const {
  std::lock_guard lock(mutex_);
  return checks_;
}

bool Snapshot::complete() const {
  std::lock_guard lock(mutex_);
  return std::all_of(checks_.begin(), checks_.end(),
                     [](const CheckState& c) { return c.result != nullptr; });
}

void Snapshot::publish(std::vector<RunState> runs, std::vector<GateState> gates) {
  std::lock_guard lock(mutex_);
  ++version_;
  runs_ = std::move(runs);
  gates_ = std::move(gates);
}

std::vector<RunState> Snapshot::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

std::vector<GateState> Snapshot::gates() const {
  std::lock_guard lock(mutex_);
  return gates_;
}

void Snapshot::publish_readiness(std::vector<RunbookReadiness> runbooks) {
  std::lock_guard lock(mutex_);
  readiness_.judged = std::chrono::system_clock::now();
  readiness_.runbooks = std::move(runbooks);
}

Readiness Snapshot::readiness() const {
  std::lock_guard lock(mutex_);
  return readiness_;
}

std::uint64_t Snapshot::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

}  // namespace greenlight::exporter
