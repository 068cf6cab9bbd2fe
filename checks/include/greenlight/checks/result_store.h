// The one store of check results: the latest result of every scheduled
// check (the site's, and a gate's own variant of one while it is scheduled),
// with what follows from the run of results (when it last judged, when it
// was last ok, the histograms of its observations). The scheduler writes
// each result into it; the exporter's HTTP threads, gates and the readiness
// judgement read it as immutable versions: a reader holds a version as long
// as it likes and never copies the results.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "greenlight/checks/check_result.h"

namespace greenlight::checks {

/// A cumulative histogram of the observations of one series (name, labels)
/// across every result of a check.
struct Histogram {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<double> bounds;         ///< upper bounds, ascending, without +Inf
  std::vector<std::uint64_t> counts;  ///< per bucket, not cumulative; last is +Inf
  std::uint64_t count = 0;
  double sum = 0;
};

/// Upper bounds of the round-trip histograms, in seconds (loopback to WAN).
const std::vector<double>& rtt_buckets();

/// One check as the store holds it. Immutable once in a version.
struct StoredCheck {
  std::string name;  ///< the site's name, or a gate's key ("fleet-units{expect=stopped,...}")
  std::string kind;  ///< the check kind ("fping", "fleet_units")
  std::string host;  ///< the node it runs on
  /// The site's check this one is a gate's own variant of ("fleet-units"
  /// for "fleet-units{expect=stopped,vms=...}"); empty for a site's check.
  std::string variant_of;
  /// Null until it first ran. Its `observations` are empty (they are counted
  /// into `histograms`); an unknown result (the source could not be read)
  /// carries every series of the previous result it lacks, valued NaN, so
  /// that series never vanish while their check fails.
  std::shared_ptr<const CheckResult> result;
  /// End of the latest result that could judge (status not unknown).
  std::optional<std::chrono::system_clock::time_point> last_success;
  /// End of the latest result whose status was ok.
  std::optional<std::chrono::system_clock::time_point> last_ok;
  /// The observations of every result so far, per series, in rtt_buckets().
  std::vector<Histogram> histograms;
};

/// One version of the store. Immutable: shared by every reader holding it.
struct ResultsVersion {
  /// Greater in each later version of the same store.
  std::uint64_t number = 0;
  /// Every check, in the order declared (never null).
  std::vector<std::shared_ptr<const StoredCheck>> checks;

  /// The check named `name`, or nullptr.
  const StoredCheck* find(std::string_view name) const;
  /// True once every site's check has a result (a gate's own variant,
  /// added while a run waits, does not count).
  bool complete() const;
};

/// What a check is declared as (StoredCheck's fields of the same names).
struct CheckDeclaration {
  std::string name;
  std::string kind;
  std::string host;
  std::string variant_of{};
};

/// Thread contract: declare, redeclare and record are made by one writer at
/// a time (the scheduler's io_context thread in greenlight serve; they are
/// serialised, so another thread may write too, it only waits). current()
/// may be called from any thread at any time: it takes a lock only for the
/// copy of one pointer, never while a version is built.
class ResultStore {
 public:
  ResultStore();

  /// Adds a check that shows as not yet run until its first result. A check
  /// already declared under that name keeps its results when its kind is
  /// the same (its host is updated), and starts afresh otherwise.
  void declare(const CheckDeclaration& check);
  /// Replaces the declared checks by `checks`, in their order
  /// (configuration reload): one declared again with the same name and kind
  /// keeps its results and histograms; the others go.
  void redeclare(const std::vector<CheckDeclaration>& checks);
  /// Records a result of the check `name`; returns the result as stored
  /// (shared with every version that holds it), or nullptr when no check of
  /// that name is declared (the result is dropped).
  std::shared_ptr<const CheckResult> record(const std::string& name, const CheckResult& result);

  /// The latest version. Any thread.
  std::shared_ptr<const ResultsVersion> current() const;

 private:
  void publish(std::vector<std::shared_ptr<const StoredCheck>> checks);

  std::mutex writing_;        ///< one writer at a time, held while a version is built
  mutable std::mutex swap_;   ///< held only to copy or replace `current_`
  std::shared_ptr<const ResultsVersion> current_;
};

}  // namespace greenlight::checks
