// What greenlight serve logs of its checks: a line when a check's status
// changes, never more than one per change (greenlight/core/log.h).
#pragma once

#include <map>
#include <string>

#include "greenlight/checks/check_result.h"

namespace greenlight::checks {

/// Not thread-safe: feed it from one thread (serve's io_context).
class VerdictLog {
 public:
  /// Follows every result of check `name`. A status other than the last
  /// one logged for that name gives one line, "check NAME: OLD -> NEW:
  /// MESSAGE" ("check NAME: NEW: MESSAGE" for its first result), at info
  /// when NEW is OK, at warning otherwise. The same status again gives
  /// "check NAME: still NEW: MESSAGE" at debug only. A check named again
  /// after a reload keeps its last status.
  void follow(const std::string& name, const CheckResult& result);

 private:
  std::map<std::string, Status> last_;
};

}  // namespace greenlight::checks
