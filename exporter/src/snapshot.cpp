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
  // Both numbers only grow: their sum changes whenever either does.
  return results_.current()->number + runs()->number;
}

}  // namespace greenlight::exporter
