#include "greenlight/exporter/snapshot.h"

namespace greenlight::exporter {

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
  // Both counters only grow: their sum changes whenever either does.
  const std::uint64_t results = results_.current()->number;
  std::lock_guard lock(mutex_);
  return results + version_;
}

}  // namespace greenlight::exporter
