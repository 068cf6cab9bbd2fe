#include "greenlight/runbook/remedy.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::runbook {

std::string RemedyObjects::vms_folded() const {
  std::vector<std::string> names;
  for (const auto& [name, vm] : vms) names.push_back(name);
  return NodeSet::from_names(names).fold();
}

std::string RemedyObjects::hosts_folded() const {
  std::vector<std::string> names;
  for (const auto& [name, vm] : vms) {
    if (!vm.host.empty()) names.push_back(vm.host);
  }
  return NodeSet::from_names(names).fold();
}

std::string RemedyObjects::describe() const {
  std::string out;
  for (const auto& [name, vm] : vms) {
    out += fmt::format("{}{} ({}) on {}", out.empty() ? "" : ", ", name, vm.state,
                       vm.host.empty() ? vm.machine + " (no host of the site)" : vm.host);
  }
  return out;
}

std::string host_of_machine(std::string_view machine, const config::Site& site) {
  if (machine.empty() || machine == "-") return {};
  const auto slash = machine.rfind('/');
  const std::string_view where =
      slash == std::string_view::npos ? machine : machine.substr(slash + 1);
  if (where.empty()) return {};
  for (const auto& host : site.hosts) {
    if (host.address == where || host.name == where) return host.name;
  }
  return {};
}

RemedyObjects remedy_objects(const std::vector<const checks::CheckResult*>& results,
                             const Remedy& remedy, const config::Site& site) {
  RemedyObjects out;
  for (const checks::CheckResult* result : results) {
    const auto machines = result->facts_of("vm_machine");
    for (const auto& [vm, state] : result->facts_of("vm_red")) {
      if (std::find(remedy.states.begin(), remedy.states.end(), state) == remedy.states.end())
        continue;
      RemedyObjects::Vm object;
      object.state = state;
      const auto machine = machines.find(vm);
      object.machine = machine == machines.end() ? "-" : machine->second;
      object.host = host_of_machine(object.machine, site);
      out.vms[vm] = object;
    }
  }
  return out;
}

std::shared_ptr<GroupSource> remedy_groups(const RemedyObjects& objects) {
  std::map<std::string, std::string, std::less<>> groups{{"vms", objects.vms_folded()},
                                                         {"hosts", objects.hosts_folded()}};
  return std::make_shared<StaticGroupSource>(std::move(groups));
}

}  // namespace greenlight::runbook
