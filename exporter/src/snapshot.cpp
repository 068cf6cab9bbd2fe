#include "greenlight/exporter/snapshot.h"

#include <algorithm>

namespace greenlight::exporter {

void Snapshot::declare(std::string name, std::string kind, std::string host) {
  std::lock_guard lock(mutex_);
  checks_.push_back({std::move(name), std::move(kind), std::move(host), std::nullopt});
}

void Snapshot::update(const std::string& name, const checks::CheckResult& result) {
  std::lock_guard lock(mutex_);
  for (auto& check : checks_) {
    if (check.name == name) check.result = result;
  }
}

std::vector<CheckState> Snapshot::checks() const {
  std::lock_guard lock(mutex_);
  return checks_;
}

bool Snapshot::complete() const {
  std::lock_guard lock(mutex_);
  return std::all_of(checks_.begin(), checks_.end(),
                     [](const CheckState& c) { return c.result.has_value(); });
}

}  // namespace greenlight::exporter
