#include "greenlight/checks/store_group_source.h"

#include "greenlight/checks/fact_group_source.h"

namespace greenlight::checks {

namespace {

std::shared_ptr<const CheckResult> result_of(const ResultStore& store, const std::string& check) {
  const auto version = store.current();
  const StoredCheck* stored = version->find(check);
  return stored == nullptr ? nullptr : stored->result;
}

}  // namespace

StoreGroupSource::StoreGroupSource(std::shared_ptr<const ResultStore> store, std::string check,
                                   std::string fact_kind,
                                   std::shared_ptr<const GroupSource> own_reading)
    : store_(std::move(store)),
      check_(std::move(check)),
      fact_kind_(std::move(fact_kind)),
      own_reading_(std::move(own_reading)),
      made_over_(own_reading_ ? result_of(*store_, check_) : nullptr) {}

std::shared_ptr<const GroupSource> StoreGroupSource::answering() const {
  const auto latest = result_of(*store_, check_);
  std::lock_guard lock(mutex_);
  if (latest && latest != made_over_ && latest != examined_) {
    examined_ = latest;  // each stored result is looked at once
    if (!latest->facts_of(fact_kind_).empty())
      read_groups_ = std::make_shared<FactGroupSource>(*latest, fact_kind_, check_);
  }
  return read_groups_ ? read_groups_ : own_reading_;
}

std::optional<std::string> StoreGroupSource::map(std::string_view group) const {
  const auto source = answering();
  return source ? source->map(group) : std::nullopt;
}

std::vector<std::string> StoreGroupSource::list() const {
  const auto source = answering();
  return source ? source->list() : std::vector<std::string>{};
}

std::optional<std::string> StoreGroupSource::all() const {
  const auto source = answering();
  return source ? source->all() : std::nullopt;
}

}  // namespace greenlight::checks
