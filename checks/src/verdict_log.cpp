#include "greenlight/checks/verdict_log.h"

#include "greenlight/core/log.h"

namespace greenlight::checks {

void VerdictLog::follow(const std::string& name, const CheckResult& result) {
  const auto it = last_.find(name);
  if (it != last_.end() && it->second == result.status) {
    log::debug("check {}: still {}: {}", name, to_string(result.status), result.message);
    return;
  }
  const log::Level level = result.status == Status::ok ? log::Level::kInfo : log::Level::kWarning;
  if (log::enabled(level)) {
    log::write(level, it == last_.end()
                          ? fmt::format("check {}: {}: {}", name, to_string(result.status),
                                        result.message)
                          : fmt::format("check {}: {} -> {}: {}", name, to_string(it->second),
                                        to_string(result.status), result.message));
  }
  last_[name] = result.status;
}

}  // namespace greenlight::checks
