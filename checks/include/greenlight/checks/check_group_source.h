// A group source fed by running a check: `@vm:running` from the fleet check,
// as the procedure's fleet group source for ClusterShell gives it. The check
// runs on its host (locally for the site's own host, over SSH otherwise) the
// first time a group is asked for; its facts of one kind are the groups
// (value) and their nodes (subjects). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "greenlight/checks/check.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/runner.h"
#include "greenlight/core/ssh.h"

namespace greenlight::checks {

class CheckGroupSource final : public GroupSource {
 public:
  /// `endpoint`: where the check runs; `ssh`: how to reach it when it is
  /// not local.
  CheckGroupSource(std::shared_ptr<const Check> check, std::string fact_kind,
                   std::chrono::milliseconds timeout, Endpoint endpoint, SshOptions ssh);
  std::optional<std::string> map(std::string_view group) const override;
  std::vector<std::string> list() const override;
  std::optional<std::string> all() const override;
  bool dynamic() const override { return true; }

 private:
  const GroupSource& groups() const;  // runs the check once
  std::shared_ptr<const Check> check_;
  std::string fact_kind_;
  std::chrono::milliseconds timeout_;
  Endpoint endpoint_;
  SshOptions ssh_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<GroupSource> groups_;
};

}  // namespace greenlight::checks
