#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "dns_records.h"
#include "findings.h"
#include "greenlight/checks/dns.h"
#include "listing.h"

namespace greenlight::checks {

namespace detail {

WantedNames wanted_names(const std::vector<AddressRecord>& records) {
  WantedNames out;
  for (const auto& record : records) {
    for (const auto& name : record.names) {
      auto [it, added] = out.addresses.try_emplace(name);
      if (added) out.order.push_back(name);
      if (std::find(it->second.begin(), it->second.end(), record.address) == it->second.end()) {
        it->second.push_back(record.address);
      }
    }
  }
  return out;
}

std::vector<std::string> absent_addresses(const std::vector<std::string>& want,
                                          const std::vector<std::string>& got) {
  std::vector<std::string> absent;
  for (const auto& address : want) {
    if (std::find(got.begin(), got.end(), address) == got.end()) absent.push_back(address);
  }
  return absent;
}

}  // namespace detail

CheckResult dns_records_verdict(const std::vector<AddressRecord>& expected,
                                const std::vector<DnsAnswer>& answers) {
  CheckResult r;
  detail::Findings findings;
  auto [order, wanted] = detail::wanted_names(expected);
  std::map<std::string, const DnsAnswer*> by_name;
  for (const auto& a : answers) by_name.emplace(a.name, &a);
  std::size_t good = 0;
  for (const auto& name : order) {
    const auto& want = wanted[name];
    const auto it = by_name.find(name);
    std::string state = "ok";
    if (it == by_name.end()) {
      state = "unanswered";
      findings.add(Status::unknown, fmt::format("no answer for {}", name));
    } else if (!it->second->error.empty() || it->second->addresses.empty()) {
      state = "failed";
      findings.add(Status::critical,
                   fmt::format("{} does not resolve: {}", name,
                               it->second->error.empty() ? "no address" : it->second->error));
    } else {
      const auto absent = detail::absent_addresses(want, it->second->addresses);
      if (!absent.empty()) {
        state = "wrong";
        findings.add(Status::critical, fmt::format("{} resolves to {}, expected {}", name,
                                                   detail::join_names(it->second->addresses, 3),
                                                   detail::join_names(absent, 3)));
      }
    }
    if (state == "ok") ++good;
    r.add_fact("dns", name, state);
    r.add_sample("greenlight_dns_record_ok", {{"name", name}}, state == "ok" ? 1 : 0);
  }
  if (order.empty()) findings.add(Status::unknown, "no record to verify");
  r.status = findings.status();
  r.message = findings.message(fmt::format("all {} critical names resolve as expected", good));
  return r;
}

}  // namespace greenlight::checks
