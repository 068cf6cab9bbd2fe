#include "greenlight/exporter/snapshot.h"

namespace greenlight::exporter {

void Snapshot::collect_runs(const RunCollectable* runs) {
  std::lock_guard lock(mutex_);
  runs_ = runs;
}

std::shared_ptr<const CollectedRuns> Snapshot::runs() const {
  const RunCollectable* source = nullptr;
  {
    std::lock_guard lock(mutex_);
    source = runs_;
  }
  if (source == nullptr) {
    static const auto none = std::make_shared<const CollectedRuns>();
    return none;
  }
  return source->collect();
}

void Snapshot::collect_readiness(const ReadinessCollectable* readiness) {
  std::lock_guard lock(mutex_);
  readiness_ = readiness;
}

std::shared_ptr<const Readiness> Snapshot::readiness() const {
  const ReadinessCollectable* source = nullptr;
  {
    std::lock_guard lock(mutex_);
    source = readiness_;
  }
  if (source == nullptr) {
    static const auto not_judged = std::make_shared<const Readiness>();
    return not_judged;
  }
  return source->collect_readiness();
}

std::uint64_t Snapshot::version() const {
  // Both numbers only grow: their sum changes whenever either does.
  return results_.current()->number + runs()->number;
}

}  // namespace greenlight::exporter
