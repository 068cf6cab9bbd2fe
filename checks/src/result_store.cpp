#include "greenlight/checks/result_store.h"

#include <algorithm>
#include <limits>

namespace greenlight::checks {
namespace {

bool same_series(const Sample& a, const Sample& b) {
  return a.name == b.name && a.labels == b.labels;
}

void observe(std::vector<Histogram>& histograms, const Sample& observation) {
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

std::shared_ptr<const StoredCheck> declared(const CheckDeclaration& check) {
  auto out = std::make_shared<StoredCheck>();
  out->name = check.name;
  out->kind = check.kind;
  out->host = check.host;
  out->variant_of = check.variant_of;
  return out;
}

// The check as declared now: the one already held when it has the same name
// and kind (with the host given now), a fresh one otherwise.
std::shared_ptr<const StoredCheck> kept_or_declared(
    const std::vector<std::shared_ptr<const StoredCheck>>& held, const CheckDeclaration& check) {
  const auto old = std::find_if(held.begin(), held.end(), [&](const auto& c) {
    return c->name == check.name && c->kind == check.kind;
  });
  if (old == held.end()) return declared(check);
  if ((*old)->host == check.host && (*old)->variant_of == check.variant_of) return *old;
  auto moved = std::make_shared<StoredCheck>(**old);
  moved->host = check.host;
  moved->variant_of = check.variant_of;
  return moved;
}

}  // namespace

const std::vector<double>& rtt_buckets() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                          0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
  return bounds;
}

const StoredCheck* ResultsVersion::find(std::string_view name) const {
  for (const auto& check : checks) {
    if (check->name == name) return check.get();
  }
  return nullptr;
}

bool ResultsVersion::complete() const {
  return std::all_of(checks.begin(), checks.end(), [](const auto& check) {
    return check->result != nullptr || !check->variant_of.empty();
  });
}

ResultStore::ResultStore() : current_(std::make_shared<const ResultsVersion>()) {}

std::shared_ptr<const ResultsVersion> ResultStore::current() const {
  std::lock_guard lock(swap_);
  return current_;
}

void ResultStore::publish(std::vector<std::shared_ptr<const StoredCheck>> checks) {
  auto next = std::make_shared<ResultsVersion>();
  next->checks = std::move(checks);
  std::lock_guard lock(swap_);
  next->number = current_->number + 1;
  current_ = std::move(next);
}

void ResultStore::declare(const CheckDeclaration& check) {
  std::lock_guard writer(writing_);
  auto checks = current()->checks;
  const auto at = std::find_if(checks.begin(), checks.end(),
                               [&](const auto& c) { return c->name == check.name; });
  if (at == checks.end()) {
    checks.push_back(declared(check));
  } else {
    auto kept = kept_or_declared({*at}, check);
    if (kept == *at) return;  // declared as it is already: no new version
    *at = std::move(kept);
  }
  publish(std::move(checks));
}

void ResultStore::redeclare(const std::vector<CheckDeclaration>& checks) {
  std::lock_guard writer(writing_);
  const auto held = current()->checks;
  std::vector<std::shared_ptr<const StoredCheck>> next;
  next.reserve(checks.size());
  for (const auto& check : checks) next.push_back(kept_or_declared(held, check));
  publish(std::move(next));
}

std::shared_ptr<const CheckResult> ResultStore::record(const std::string& name,
                                                       const CheckResult& result) {
  std::lock_guard writer(writing_);
  auto checks = current()->checks;
  const auto at =
      std::find_if(checks.begin(), checks.end(), [&](const auto& c) { return c->name == name; });
  if (at == checks.end()) return nullptr;
  auto check = std::make_shared<StoredCheck>(**at);
  CheckResult next = result;
  if (result.status == Status::unknown && check->result) {
    for (const auto& old : check->result->samples) {
      const bool present = std::any_of(next.samples.begin(), next.samples.end(),
                                       [&](const Sample& s) { return same_series(s, old); });
      if (!present) {
        next.samples.push_back({old.name, old.labels, std::numeric_limits<double>::quiet_NaN()});
      }
    }
  }
  if (result.status != Status::unknown) check->last_success = result.finished;
  if (result.status == Status::ok) check->last_ok = result.finished;
  for (const auto& observation : result.observations) observe(check->histograms, observation);
  next.observations.clear();
  check->result = std::make_shared<const CheckResult>(std::move(next));
  auto stored = check->result;
  *at = std::move(check);
  publish(std::move(checks));
  return stored;
}

}  // namespace greenlight::checks
