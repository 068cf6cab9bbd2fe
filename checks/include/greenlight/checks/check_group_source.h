// A group source fed by running a check: `@vm:running` from the fleet check,
// as the procedure's fleet group source for ClusterShell gives it. The check
// runs (locally) the first time a group is asked for; its facts of one kind
// are the groups (value) and their nodes (subjects). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "greenlight/checks/check.h"
#include "greenlight/core/group_source.h"

namespace greenlight::checks {

class CheckGroupSource final : public GroupSource {
 public:
  /// `local`: the check's host is greenlight's own; otherwise asking for a
  /// group is an error (running it elsewhere needs SSH).
  CheckGroupSource(std::shared_ptr<const Check> check, std::string fact_kind,
                   std::chrono::milliseconds timeout, bool local);
  std::optional<std::string> map(std::string_view group) const override;
  std::vector<std::string> list() const override;
  std::optional<std::string> all() const override;

 private:
  const GroupSource& groups() const;  // runs the check once
  std::shared_ptr<const Check> check_;
  std::string fact_kind_;
  std::chrono::milliseconds timeout_;
  bool local_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<GroupSource> groups_;
};

}  // namespace greenlight::checks
