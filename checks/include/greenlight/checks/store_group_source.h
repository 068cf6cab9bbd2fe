// A group source read from the result store: the groups of one check's
// latest result there (`@vm:running` from the fleet check as the scheduler
// last saw it), or, until the store has a newer result than the one current
// when the source was made, the answer of a reading of its own.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/result_store.h"
#include "greenlight/core/group_source.h"

namespace greenlight::checks {

/// Thread-safe: any thread may ask; each answer reads the store's current
/// version (ResultStore::current), never a copy handed over by a callback.
class StoreGroupSource final : public GroupSource {
 public:
  /// `store`: read on every lookup (shared, never null). `check`: the
  /// store's name of the check whose facts of kind `fact_kind` are the groups
  /// (FactGroupSource). `own_reading`: answers until the store holds a result
  /// of `check` other than the one it held when this source was made, and
  /// with facts of that kind (so a source made right before a step, with a
  /// CheckGroupSource, says what the check says then, not what an earlier
  /// reading said); null: no answer until then (map() and all() nullopt,
  /// list() empty). A store result without facts of that kind (the check
  /// could not look) keeps the last groups known.
  StoreGroupSource(std::shared_ptr<const ResultStore> store, std::string check,
                   std::string fact_kind, std::shared_ptr<const GroupSource> own_reading);

  std::optional<std::string> map(std::string_view group) const override;
  std::vector<std::string> list() const override;
  std::optional<std::string> all() const override;
  bool dynamic() const override { return true; }

 private:
  /// The source answering now, or null when none can.
  std::shared_ptr<const GroupSource> answering() const;

  std::shared_ptr<const ResultStore> store_;
  std::string check_;
  std::string fact_kind_;
  std::shared_ptr<const GroupSource> own_reading_;
  mutable std::mutex mutex_;
  /// The store's result of `check_` when this source was made, not newer
  /// than the own reading (null without one: every stored result counts).
  std::shared_ptr<const CheckResult> made_over_;
  /// The latest store result looked at, and the groups of the latest one
  /// with facts of the kind.
  mutable std::shared_ptr<const CheckResult> examined_;
  mutable std::shared_ptr<const GroupSource> read_groups_;
};

}  // namespace greenlight::checks
