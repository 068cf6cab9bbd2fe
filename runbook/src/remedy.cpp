#include "greenlight/runbook/remedy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "greenlight/checks/fleet.h"
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
  return checks::host_of_machine(machine, checks::machine_hosts(site));
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

std::string journaled_groups(const RemedyObjects& objects) {
  return fmt::format("groups @remedy:vms={} @remedy:hosts={}", objects.vms_folded(),
                     objects.hosts_folded());
}

std::shared_ptr<GroupSource> remedy_groups_from_journal(std::string_view detail) {
  static constexpr std::string_view kVms = "groups @remedy:vms=", kHosts = " @remedy:hosts=";
  if (detail.rfind(kVms, 0) != 0) return nullptr;
  const std::size_t vms = 0;
  const auto hosts = detail.find(kHosts, vms + kVms.size());
  if (hosts == std::string_view::npos) return nullptr;
  std::map<std::string, std::string, std::less<>> groups{
      {"vms", std::string(detail.substr(vms + kVms.size(), hosts - vms - kVms.size()))},
      {"hosts", std::string(detail.substr(hosts + kHosts.size()))}};
  return std::make_shared<StaticGroupSource>(std::move(groups));
}

std::string journaled_step_start(std::size_t number, const std::string& nodes,
                                 const std::string& command) {
  return fmt::format("step {} started on {}: {}", number, nodes, command);
}

std::optional<std::size_t> step_started_in(std::string_view detail) {
  constexpr std::string_view kHead = "step ";
  if (detail.substr(0, kHead.size()) != kHead) return std::nullopt;
  std::size_t number = 0;
  const char* begin = detail.data() + kHead.size();
  const char* end = detail.data() + detail.size();
  const auto [rest, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || rest == begin || number == 0) return std::nullopt;
  if (std::string_view(rest, static_cast<std::size_t>(end - rest)).substr(0, 12) != " started on ")
    return std::nullopt;
  return number;
}

}  // namespace greenlight::runbook
