#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "dns_records.h"
#include "findings.h"
#include "greenlight/checks/dns_servers.h"
#include "listing.h"

namespace greenlight::checks {
namespace {

bool holds(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The server was not there to ask: nothing is known of the name.
bool unanswered(const std::string& error) {
  return error == "timeout" || error == "connection refused";
}

}  // namespace

CheckResult dns_servers_verdict(const std::vector<AddressRecord>& records,
                                const std::vector<ServerAnswers>& servers) {
  CheckResult r;
  detail::Findings findings;
  // name -> every address its records give it, in record order.
  auto [order, wanted] = detail::wanted_names(records);
  for (const auto& server : servers) {
    std::map<std::string, const DnsAnswer*> by_name;
    for (const auto& a : server.answers) by_name.emplace(a.name, &a);
    if (!server.error.empty()) {
      findings.add(Status::unknown,
                   fmt::format("DNS server {} not asked: {}", server.server, server.error));
    }
    // Names the server did not answer for: one finding per server.
    std::vector<std::string> silent;
    std::string silent_reason;
    for (const auto& name : order) {
      const auto& want = wanted[name];
      const auto it = by_name.find(name);
      std::string state = "ok";
      if (it == by_name.end() || unanswered(it->second->error)) {
        state = "unanswered";
        silent.push_back(name);
        if (it != by_name.end() && silent_reason.empty()) silent_reason = it->second->error;
      } else if (!it->second->error.empty() || it->second->addresses.empty()) {
        state = "missing";
        findings.add(Status::critical,
                     fmt::format("{} missing at {} ({})", name, server.server,
                                 it->second->error.empty() ? "no address" : it->second->error));
      } else {
        const auto& got = it->second->addresses;
        std::vector<std::string> absent, extra;
        for (const auto& address : want)
          if (!holds(got, address)) absent.push_back(address);
        for (const auto& address : got)
          if (!holds(want, address)) extra.push_back(address);
        if (!absent.empty()) {
          state = "wrong";
          findings.add(Status::critical,
                       fmt::format("{} at {} is {}, expected {}", name, server.server,
                                   detail::join_names(got, 3), detail::join_names(absent, 3)));
        } else if (!extra.empty()) {
          state = "extra";
          findings.add(Status::warning, fmt::format("{} at {} also answers {}", name, server.server,
                                                    detail::join_names(extra, 3)));
        }
      }
      r.add_fact("dns_server", server.server + " " + name, state);
      r.add_sample("greenlight_dns_server_record_ok", {{"server", server.server}, {"name", name}},
                   state == "ok" ? 1 : 0);
    }
    if (!silent.empty() && server.error.empty()) {
      const std::string why = silent_reason.empty() ? "no answer" : silent_reason;
      findings.add(Status::unknown,
                   silent.size() == order.size() && order.size() > 1
                       ? fmt::format("{} did not answer for any of its {} names ({})",
                                     server.server, order.size(), why)
                       : fmt::format("{} did not answer for {} ({})", server.server,
                                     detail::join_names(silent, 3), why));
    }
  }
  if (order.empty()) findings.add(Status::unknown, "no record to ask the DNS servers for");
  if (servers.empty()) findings.add(Status::unknown, "no DNS server to ask");
  r.status = findings.status();
  r.message = findings.message(fmt::format("{} names right at {} DNS server{}", order.size(),
                                           servers.size(), servers.size() == 1 ? "" : "s"));
  return r;
}

}  // namespace greenlight::checks
