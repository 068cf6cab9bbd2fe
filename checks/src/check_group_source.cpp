#include "greenlight/checks/check_group_source.h"

#include <fmt/format.h>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/site_runner.h"

namespace greenlight::checks {

CheckGroupSource::CheckGroupSource(std::shared_ptr<const Check> check, std::string fact_kind,
                                   std::chrono::milliseconds timeout, Endpoint endpoint,
                                   SshOptions ssh)
    : check_(std::move(check)),
      fact_kind_(std::move(fact_kind)),
      timeout_(timeout),
      endpoint_(std::move(endpoint)),
      ssh_(std::move(ssh)) {}

const GroupSource& CheckGroupSource::groups() const {
  std::lock_guard lock(mutex_);
  if (!groups_) {
    asio::io_context io;
    SiteRunner runner(io, ssh_);
    CheckResult result;
    run_check(*check_, runner, endpoint_, timeout_,
              [&](CheckResult r) { result = std::move(r); });
    io.run();
    if (result.status == Status::unknown && result.facts.empty()) {
      // A source that cannot say must not look empty: "@vm:running" empty
      // would let a runbook believe no VM runs.
      throw GroupResolutionError(fmt::format("group source fed by check '{}' has no answer: {}",
                                             check_->name(), result.message));
    }
    groups_ = std::make_unique<FactGroupSource>(result, fact_kind_, check_->name());
  }
  return *groups_;
}

std::optional<std::string> CheckGroupSource::map(std::string_view group) const {
  return groups().map(group);
}
std::vector<std::string> CheckGroupSource::list() const { return groups().list(); }
std::optional<std::string> CheckGroupSource::all() const { return groups().all(); }

}  // namespace greenlight::checks
