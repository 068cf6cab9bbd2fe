// The latest result of every check, written by the scheduler's thread and
// read by the HTTP server's threads. Scrapes never wait on a check: they
// copy what is there.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"

namespace greenlight::exporter {

struct CheckState {
  std::string name;
  std::string kind;
  std::string host;
  std::optional<checks::CheckResult> result;  ///< nullopt until it first ran
};

/// Thread-safe.
class Snapshot {
 public:
  /// Declares a check (it shows as not yet run until update()).
  void declare(std::string name, std::string kind, std::string host);
  void update(const std::string& name, const checks::CheckResult& result);
  std::vector<CheckState> checks() const;
  /// True once every declared check has a result.
  bool complete() const;

 private:
  mutable std::mutex mutex_;
  std::vector<CheckState> checks_;
};

}  // namespace greenlight::exporter
