// The critical DNS records over confiture records, judged in the hosts files
// of the hosts that must resolve them while the DNS VMs are down.
#include <catch2/catch.hpp>

#include "greenlight/checks/dns.h"

using namespace greenlight::checks;

namespace {
std::vector<AddressRecord> top1() {
  return {
      AddressRecord{"top1", "eq", "10.0.0.1", true, false, {"top1-eq"}},
      AddressRecord{"top1", "adm", "10.1.0.1", true, true, {"top1", "top1-adm"}},
  };
}
HostsLookup found(const std::string& name, std::vector<std::string> addresses) {
  return {name, 0, std::move(addresses)};
}
}  // namespace

TEST_CASE("dns: every name in the hosts file with its address is green") {
  const auto r = hosts_files_verdict(
      top1(), {{"worker01",
                {found("top1", {"10.1.0.1"}), found("top1-adm", {"10.1.0.1"}),
                 found("top1-eq", {"10.0.0.1"})},
                {}}});
  CHECK(r.status == Status::ok);
  CHECK(r.message == "all 3 critical names in the hosts files of worker01");
  CHECK(*r.fact("dns_hosts_file", "worker01 top1") == "ok");
}

TEST_CASE("dns: wrong address, missing name and missing lookup are named with the host") {
  const auto r = hosts_files_verdict(
      top1(), {{"worker01", {found("top1", {"10.9.9.9"}), {"top1-adm", 2, {}}}, {}}});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message,
             Catch::Contains("top1 is 10.9.9.9 in the hosts file of worker01, expected 10.1.0.1"));
  CHECK_THAT(r.message, Catch::Contains("top1-adm not in the hosts file of worker01"));
  CHECK_THAT(r.message, Catch::Contains("no lookup of top1-eq on worker01"));
  CHECK(*r.fact("dns_hosts_file", "worker01 top1") == "wrong");
  CHECK(*r.fact("dns_hosts_file", "worker01 top1-adm") == "missing");
  CHECK(*r.fact("dns_hosts_file", "worker01 top1-eq") == "unanswered");
  // Found without an address is not found.
  const auto empty = hosts_files_verdict(top1(), {{"worker01", {found("top1", {})}, {}}});
  CHECK_THAT(empty.message, Catch::Contains("top1 not in the hosts file of worker01"));
}

TEST_CASE("dns: a bare name with two default networks must hold both addresses") {
  std::vector<AddressRecord> records{
      AddressRecord{"ns1", "adm", "10.1.2.1", true, true, {"ns1", "ns1-adm"}},
      AddressRecord{"ns1", "eq", "10.0.2.1", true, true, {"ns1", "ns1-eq"}},
  };
  const auto partial = hosts_files_verdict(
      records, {{"top2",
                 {found("ns1", {"10.1.2.1"}), found("ns1-adm", {"10.1.2.1"}),
                  found("ns1-eq", {"10.0.2.1"})},
                 {}}});
  CHECK(partial.status == Status::critical);
  CHECK(partial.message == "ns1 is 10.1.2.1 in the hosts file of top2, expected 10.0.2.1");
  const auto both = hosts_files_verdict(
      records, {{"top2",
                 {found("ns1", {"10.0.2.1", "10.1.2.1"}), found("ns1-adm", {"10.1.2.1"}),
                  found("ns1-eq", {"10.0.2.1"})},
                 {}}});
  CHECK(both.green());
}
