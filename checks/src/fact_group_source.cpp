#include "greenlight/checks/fact_group_source.h"

#include <fmt/format.h>

#include "greenlight/checks/fleet.h"
#include "greenlight/core/node_name.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::checks {

FactGroupSource::FactGroupSource(const CheckResult& result, std::string_view kind,
                                 std::string_view check_name) {
  const std::string origin = check_name.empty()
                                 ? fmt::format("the {} facts of a check's output", kind)
                                 : fmt::format("the {} facts of check '{}'", kind, check_name);
  auto check = [&](std::string_view what, const std::string& name) {
    if (refusal_.empty()) refusal_ = unsafe_name_message(origin, what, name);
  };
  std::vector<std::string> everyone;
  for (const auto& [group, subjects] : result.groups_of(kind)) {
    check("group name", group);
    for (const auto& subject : subjects) check(fmt::format("{} name", kind), subject);
    groups_.emplace(group, NodeSet::from_names(subjects).fold());
    everyone.insert(everyone.end(), subjects.begin(), subjects.end());
  }
  all_ = NodeSet::from_names(everyone).fold();
  if (kind == "vm") {
    for (const auto& state : fleet_vm_groups()) known_.emplace(state);
  }
}

void FactGroupSource::refuse_if_unsafe() const {
  if (!refusal_.empty()) throw UnsafeNameError(refusal_);
}

std::optional<std::string> FactGroupSource::map(std::string_view group) const {
  refuse_if_unsafe();
  const auto it = groups_.find(group);
  if (it != groups_.end()) return it->second;
  // A state no VM is in: an empty set, not an unknown group.
  if (known_.count(group) != 0) return std::string();
  return std::nullopt;
}

std::vector<std::string> FactGroupSource::list() const {
  refuse_if_unsafe();
  std::vector<std::string> names;
  names.reserve(groups_.size());
  for (const auto& [name, nodes] : groups_) names.push_back(name);
  return names;
}

std::optional<std::string> FactGroupSource::all() const {
  refuse_if_unsafe();
  return all_;
}

}  // namespace greenlight::checks
