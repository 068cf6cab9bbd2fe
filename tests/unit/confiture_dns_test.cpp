// The critical DNS records verdict over confiture records.
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
}  // namespace

TEST_CASE("dns: every name resolving to its address is green") {
  const auto r = dns_records_verdict(
      top1(),
      {{"top1", {"10.1.0.1"}, ""}, {"top1-adm", {"10.1.0.1"}, ""}, {"top1-eq", {"10.0.0.1"}, ""}});
  CHECK(r.status == Status::ok);
  CHECK(r.message == "all 3 critical names resolve as expected");
  CHECK(*r.fact("dns", "top1") == "ok");
}

TEST_CASE("dns: wrong address, failure and missing answers are named") {
  const auto r =
      dns_records_verdict(top1(), {{"top1", {"10.9.9.9"}, ""}, {"top1-adm", {}, "NXDOMAIN"}});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("top1 resolves to 10.9.9.9, expected 10.1.0.1"));
  CHECK_THAT(r.message, Catch::Contains("top1-adm does not resolve: NXDOMAIN"));
  CHECK_THAT(r.message, Catch::Contains("no answer for top1-eq"));
  CHECK(*r.fact("dns", "top1") == "wrong");
  CHECK(*r.fact("dns", "top1-adm") == "failed");
  CHECK(*r.fact("dns", "top1-eq") == "unanswered");
  const auto empty = dns_records_verdict(top1(), {{"top1", {}, ""}});
  CHECK_THAT(empty.message, Catch::Contains("top1 does not resolve: no address"));
  CHECK(dns_records_verdict({}, {}).status == Status::unknown);
}

TEST_CASE("dns: a bare name with two default networks must hold both addresses") {
  std::vector<AddressRecord> records{
      AddressRecord{"ns1", "adm", "10.1.2.1", true, true, {"ns1", "ns1-adm"}},
      AddressRecord{"ns1", "eq", "10.0.2.1", true, true, {"ns1", "ns1-eq"}},
  };
  const auto partial = dns_records_verdict(
      records,
      {{"ns1", {"10.1.2.1"}, ""}, {"ns1-adm", {"10.1.2.1"}, ""}, {"ns1-eq", {"10.0.2.1"}, ""}});
  CHECK(partial.status == Status::critical);
  CHECK(partial.message == "ns1 resolves to 10.1.2.1, expected 10.0.2.1");
  const auto both = dns_records_verdict(records, {{"ns1", {"10.0.2.1", "10.1.2.1"}, ""},
                                                  {"ns1-adm", {"10.1.2.1"}, ""},
                                                  {"ns1-eq", {"10.0.2.1"}, ""}});
  CHECK(both.green());
}
