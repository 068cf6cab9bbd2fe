#include "greenlight/core/group_source.h"

namespace greenlight {

void GroupResolver::add_source(std::string name, std::shared_ptr<const GroupSource> source) {
  std::lock_guard lock(mutex_);
  if (default_.empty()) default_ = name;
  if (sources_.count(name) == 0) order_.push_back(name);
  sources_[std::move(name)] = std::move(source);
}

void GroupResolver::set_default(std::string name) {
  std::lock_guard lock(mutex_);
  default_ = std::move(name);
}

std::string GroupResolver::default_source() const {
  std::lock_guard lock(mutex_);
  return default_;
}

std::vector<std::string> GroupResolver::source_names() const {
  std::lock_guard lock(mutex_);
  return order_;
}

std::vector<std::string> GroupResolver::source_names_default_first() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  if (sources_.count(default_) != 0) names.push_back(default_);
  for (const auto& name : order_) {
    if (name != default_) names.push_back(name);
  }
  return names;
}

std::shared_ptr<const GroupSource> GroupResolver::source(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(name);
  return it == sources_.end() ? nullptr : it->second;
}

}  // namespace greenlight
