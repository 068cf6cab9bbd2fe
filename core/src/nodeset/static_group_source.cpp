#include "greenlight/core/clustershell_groups.h"

namespace greenlight {

std::optional<std::string> StaticGroupSource::map(std::string_view group) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> StaticGroupSource::list() const {
  std::vector<std::string> names;
  names.reserve(groups_.size());
  for (const auto& [name, nodes] : groups_) names.push_back(name);
  return names;
}

}  // namespace greenlight
