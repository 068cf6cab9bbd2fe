// CheckResult: what one run of a check says, as a plain value.
//
// A result is produced by a verdict function (parsed output + expectation),
// then read by gates, the exporter and dynamic group sources. It holds no
// reference to the check that made it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace greenlight::checks {

/// Nagios plugin states; the numeric values are the plugin exit codes.
enum class Status { ok = 0, warning = 1, critical = 2, unknown = 3 };

/// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view to_string(Status status);

/// The Nagios exit code of a plugin mapped to a status; any code outside
/// 0..3 (crash, signal, 127 command not found) is unknown.
Status status_from_exit_code(int exit_code);

/// Severity used to combine statuses: ok < warning < unknown < critical.
/// Unknown ranks above warning because a gate cannot pass on it; critical
/// ranks above unknown because it is a known failure.
int severity(Status status);
/// The more severe of the two.
Status worst(Status a, Status b);

/// One metric sample. `name` follows Prometheus naming (e.g.
/// gluster_volume_heal_count); labels are kept in the order given.
struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;

  friend bool operator==(const Sample&, const Sample&) = default;
};

/// One structured fact for gates and dynamic group sources, e.g.
/// {"brick_pending", "top2:/bricks/v1", "2"} or {"vm", "admin1", "running"}.
/// `kind` says what `subject` and `value` are; each kind is documented with
/// the verdict that emits it (docs/checks.md).
struct Fact {
  std::string kind;
  std::string subject;
  std::string value;

  friend bool operator==(const Fact&, const Fact&) = default;
};

/// The result of one check run. Copyable value; no synchronisation.
struct CheckResult {
  Status status = Status::unknown;
  /// One line naming what is wrong (or what was verified when ok).
  std::string message;
  std::vector<Sample> samples;
  /// Values to count into a histogram of the sample's name and labels (each
  /// probe's RTT): the exporter accumulates them across runs.
  std::vector<Sample> observations;
  std::vector<Fact> facts;
  /// When the command started and its output was complete. Verdict
  /// functions leave both unset; the check that ran the command sets them.
  std::chrono::system_clock::time_point started{};
  std::chrono::system_clock::time_point finished{};

  /// A gate passes on ok only.
  bool green() const { return status == Status::ok; }

  /// The value of the first fact (kind, subject), or nullptr.
  const std::string* fact(std::string_view kind, std::string_view subject) const;
  /// Every fact of `kind` as subject -> value (last one wins).
  std::map<std::string, std::string> facts_of(std::string_view kind) const;
  /// Facts of `kind` grouped by value: value -> subjects in emission order.
  /// This is what a dynamic group source serves: group "running" of source
  /// `vm` is groups_of("vm")["running"].
  std::map<std::string, std::vector<std::string>> groups_of(std::string_view kind) const;

  void add_sample(std::string name, std::vector<std::pair<std::string, std::string>> labels,
                  double value);
  void add_observation(std::string name, std::vector<std::pair<std::string, std::string>> labels,
                       double value);
  void add_fact(std::string kind, std::string subject, std::string value);
};

/// A result for a check that could not be evaluated at all (command failed,
/// output unparsable): status unknown and `message` as given.
CheckResult unknown_result(std::string message);

}  // namespace greenlight::checks
