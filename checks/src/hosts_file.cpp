// The critical records in the hosts files of the procedure's hosts: what
// must keep resolving while the DNS VMs are down (the procedure's warning
// before the VM shutdown), read with getent's files source only.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "dns_records.h"
#include "findings.h"
#include "greenlight/checks/dns.h"
#include "listing.h"
#include "text.h"

namespace greenlight::checks {

Parsed<std::vector<HostsLookup>> parse_hosts_file_lookups(std::string_view output) {
  std::vector<HostsLookup> out;
  std::optional<HostsLookup> open;
  detail::Lines lines(output);
  std::string_view line;
  while (lines.next(line)) {
    auto bad = [&](const char* why) {
      return ParseError{fmt::format("hosts file lookups, line {}: {}: '{}'", lines.number(), why,
                                    line.substr(0, 120))};
    };
    if (line.rfind("== rc ", 0) == 0) {
      if (!open) return bad("a status outside a lookup");
      const auto status = detail::to_int(line.substr(6));
      if (!status) return bad("not a status");
      open->exit_status = static_cast<int>(*status);
      out.push_back(std::move(*open));
      open.reset();
    } else if (line.rfind("== ", 0) == 0) {
      if (open) return bad("a lookup before the previous one ended");
      open = HostsLookup{std::string(detail::trim(line.substr(3))), -1, {}};
    } else {
      if (!open) return bad("a line outside a lookup");
      const std::string address(line.substr(0, line.find_first_of(" \t")));
      if (std::find(open->addresses.begin(), open->addresses.end(), address) ==
          open->addresses.end())
        open->addresses.push_back(address);
    }
  }
  if (open) return ParseError{fmt::format("hosts file lookups: {} has no status", open->name)};
  return out;
}

CheckResult hosts_files_verdict(const std::vector<AddressRecord>& expected,
                                const std::vector<HostsFileAnswers>& hosts) {
  CheckResult r;
  detail::Findings findings;
  const auto [order, wanted] = detail::wanted_names(expected);
  std::vector<std::string> good_hosts;
  for (const auto& host : hosts) {
    if (!host.error.empty()) {
      findings.add(Status::unknown,
                   fmt::format("hosts file of {} not read: {}", host.host, host.error));
      for (const auto& name : order)
        r.add_fact("dns_hosts_file", host.host + " " + name, "unanswered");
      continue;
    }
    std::map<std::string, const HostsLookup*> by_name;
    for (const auto& lookup : host.lookups) by_name.emplace(lookup.name, &lookup);
    std::vector<std::string> missing;
    bool all_good = true;
    for (const auto& name : order) {
      const auto it = by_name.find(name);
      std::string state = "ok";
      if (it == by_name.end()) {
        state = "unanswered";
        findings.add(Status::unknown, fmt::format("no lookup of {} on {}", name, host.host));
      } else if (it->second->exit_status == 2 ||
                 (it->second->exit_status == 0 && it->second->addresses.empty())) {
        state = "missing";
        missing.push_back(name);
      } else if (it->second->exit_status != 0) {
        state = "unanswered";
        findings.add(Status::unknown, fmt::format("lookup of {} on {} did not look: getent exit {}",
                                                  name, host.host, it->second->exit_status));
      } else if (const auto absent =
                     detail::absent_addresses(wanted.at(name), it->second->addresses);
                 !absent.empty()) {
        state = "wrong";
        findings.add(Status::critical,
                     fmt::format("{} is {} in the hosts file of {}, expected {}", name,
                                 detail::join_names(it->second->addresses, 3), host.host,
                                 detail::join_names(absent, 3)));
      }
      all_good = all_good && state == "ok";
      r.add_fact("dns_hosts_file", host.host + " " + name, state);
      r.add_sample("greenlight_dns_record_ok", {{"host", host.host}, {"name", name}},
                   state == "ok" ? 1 : 0);
    }
    // One finding per host for its missing names: "top1-adm, top2-adm not in
    // the hosts file of worker02".
    if (!missing.empty()) {
      findings.add(Status::critical, fmt::format("{} not in the hosts file of {}",
                                                 detail::join_names(missing, 4), host.host));
    }
    if (all_good) good_hosts.push_back(host.host);
  }
  if (hosts.empty()) findings.add(Status::unknown, "no host to verify");
  if (order.empty()) findings.add(Status::unknown, "no record to verify");
  r.status = findings.status();
  r.message = findings.message(fmt::format("all {} critical names in the hosts files of {}",
                                           order.size(), detail::join_names(good_hosts, 8)));
  return r;
}

}  // namespace greenlight::checks
