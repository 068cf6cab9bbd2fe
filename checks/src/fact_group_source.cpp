#include "greenlight/checks/fact_group_source.h"

#include "greenlight/checks/fleet.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::checks {

FactGroupSource::FactGroupSource(const CheckResult& result, std::string_view kind) {
  std::vector<std::string> everyone;
  for (const auto& [group, subjects] : result.groups_of(kind)) {
    groups_.emplace(group, NodeSet::from_names(subjects).fold());
    everyone.insert(everyone.end(), subjects.begin(), subjects.end());
  }
  all_ = NodeSet::from_names(everyone).fold();
  if (kind == "vm") {
    for (const auto& state : fleet_vm_groups()) known_.emplace(state);
  }
}

std::optional<std::string> FactGroupSource::map(std::string_view group) const {
  const auto it = groups_.find(group);
  if (it != groups_.end()) return it->second;
  // A state no VM is in: an empty set, not an unknown group.
  if (known_.count(group) != 0) return std::string();
  return std::nullopt;
}

std::vector<std::string> FactGroupSource::list() const {
  std::vector<std::string> names;
  names.reserve(groups_.size());
  for (const auto& [name, nodes] : groups_) names.push_back(name);
  return names;
}

std::optional<std::string> FactGroupSource::all() const { return all_; }

}  // namespace greenlight::checks
