// DNS servers asked directly: server addresses, the `greenlight resolve`
// output, the verdict on missing, wrong and extra answers, and the check's
// commands through the fake runner. (The real c-ares queries against dnsmasq:
// tests/integration/dns_servers_test.sh.)
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/dns_servers.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "greenlight/checks/check.h"

using namespace greenlight;
using namespace greenlight::checks;

namespace {

std::vector<AddressRecord> records() {
  return {
      AddressRecord{"top1", "adm", "10.1.0.1", true, true, {"top1", "top1-adm"}},
      AddressRecord{"top1", "data", "10.2.0.1", true, false, {"top1-data"}},
      AddressRecord{"top2", "adm", "10.1.0.2", false, true, {"top2", "top2-adm"}},
  };
}

}  // namespace

TEST_CASE("DNS server addresses: IPv4, IPv6, ports, names refused") {
  CHECK(parse_dns_server("127.0.0.53")->text() == "127.0.0.53:53");
  CHECK(parse_dns_server("127.0.0.53:5353")->port == 5353);
  CHECK(parse_dns_server("[::1]:5353")->text() == "[::1]:5353");
  CHECK(parse_dns_server("::1")->text() == "[::1]:53");
  CHECK(parse_dns_server("dns1").error().reason ==
        "'dns1': a DNS server is an IP address (optionally :PORT), not a name");
  CHECK_FALSE(parse_dns_server("127.0.0.1:0").ok());
  CHECK_FALSE(parse_dns_server("127.0.0.1:70000").ok());
  CHECK_FALSE(parse_dns_server("127.0.0.1:").ok());
  CHECK_FALSE(parse_dns_server("[::1").ok());
  CHECK_FALSE(parse_dns_server("").ok());
}

TEST_CASE("greenlight resolve output: written and read back") {
  const std::vector<DnsAnswer> answers{{"top1", {"10.1.0.1", "10.1.0.9"}, ""},
                                       {"top2", {}, "NXDOMAIN"}};
  const std::string text = format_resolve_output(answers);
  CHECK(text == "top1: 10.1.0.1 10.1.0.9\ntop2: error: NXDOMAIN\n");
  auto back = parse_resolve_output(text);
  REQUIRE(back.ok());
  REQUIRE(back->size() == 2);
  CHECK((*back)[0].addresses == answers[0].addresses);
  CHECK((*back)[1].error == "NXDOMAIN");
  CHECK(parse_resolve_output("top1:\n")->at(0).error == "no address");
  CHECK(parse_resolve_output("garbage line\n").error().reason ==
        "greenlight resolve output line 1: not 'NAME: ...'");
  CHECK(parse_resolve_output("top1: 10.1.0.1\ntop2: 10.1.0.x\n").error().reason ==
        "greenlight resolve output line 2: '10.1.0.x' is not an address");
  std::string junk;
  for (int i = 0; i < 70000; ++i) junk += static_cast<char>((i * 131) & 0xff);
  CHECK_FALSE(parse_resolve_output(junk).ok());
}

TEST_CASE("dns servers verdict: every name right at every server is green") {
  const std::vector<DnsAnswer> right{{"top1", {"10.1.0.1"}, ""},
                                     {"top1-adm", {"10.1.0.1"}, ""},
                                     {"top1-data", {"10.2.0.1"}, ""},
                                     {"top2", {"10.1.0.2"}, ""},
                                     {"top2-adm", {"10.1.0.2"}, ""}};
  auto r =
      dns_servers_verdict(records(), {{"127.0.0.53:53", right, ""}, {"127.0.0.54:53", right, ""}});
  CHECK(r.status == Status::ok);
  CHECK(r.message == "5 names right at 2 DNS servers");
  CHECK(*r.fact("dns_server", "127.0.0.54:53 top2") == "ok");
}

TEST_CASE("dns servers verdict: missing, wrong and extra answers are named per server") {
  const std::vector<DnsAnswer> good{{"top1", {"10.1.0.1"}, ""},
                                    {"top1-adm", {"10.1.0.1"}, ""},
                                    {"top1-data", {"10.2.0.1"}, ""},
                                    {"top2", {"10.1.0.2"}, ""},
                                    {"top2-adm", {"10.1.0.2"}, ""}};
  const std::vector<DnsAnswer> bad{{"top1", {"10.1.0.1"}, ""},
                                   {"top1-adm", {}, "NXDOMAIN"},
                                   {"top1-data", {"10.2.0.9"}, ""},
                                   {"top2", {"10.1.0.2", "10.1.0.99"}, ""},
                                   {"top2-adm", {"10.1.0.2"}, "timeout"}};
  auto r = dns_servers_verdict(records(), {{"s1", good, ""}, {"s2", bad, ""}});
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "top1-adm missing at s2 (NXDOMAIN); top1-data at s2 is 10.2.0.9, expected 10.2.0.1; "
        "s2 did not answer for top2-adm (timeout); top2 at s2 also answers 10.1.0.99");
  CHECK(*r.fact("dns_server", "s2 top1-adm") == "missing");
  CHECK(*r.fact("dns_server", "s2 top1-data") == "wrong");
  CHECK(*r.fact("dns_server", "s2 top2") == "extra");
  CHECK(*r.fact("dns_server", "s2 top2-adm") == "unanswered");
  CHECK(*r.fact("dns_server", "s1 top2") == "ok");

  // Only an extra answer: a warning.
  auto extra = good;
  extra[3].addresses.push_back("10.1.0.99");
  CHECK(dns_servers_verdict(records(), {{"s1", extra, ""}}).status == Status::warning);
  // A server that could not be asked: unknown, said once, never green.
  auto down = dns_servers_verdict(records(), {{"s3", {}, "exit 2: usage"}});
  CHECK(down.status == Status::unknown);
  CHECK(down.message == "DNS server s3 not asked: exit 2: usage");
  CHECK(dns_servers_verdict(records(), {}).status == Status::unknown);
  CHECK(dns_servers_verdict({}, {{"s1", good, ""}}).status == Status::unknown);
}

TEST_CASE("dns_critical check with servers: one resolve command per server, answers judged") {
  const std::string dir = "/tmp/greenlight-unit-dns-servers";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/addresses.yaml") << "addresses:\n  top[1-2]:\n    default: [adm]\n"
                                            "    adm: 10.1.0.[1-2]\n    critical: True\n"
                                            "  batch1: {default: [adm], adm: 10.1.3.1}\n";
  config::Diagnostics diagnostics;
  const std::string text =
      "hosts:\n  top1: {self: true}\nchecks:\n"
      "  dns: {kind: dns_critical, addresses: addresses.yaml, domain: lab., nss: false,\n"
      "        servers: ['127.0.0.53:5353', '::1'], resolve_command: [/opt/gl, resolve],\n"
      "        timeout: 5s, server_records: all}\n";
  auto site = checks::read_site(config::load_yaml_text(text, dir + "/site.yaml", diagnostics),
                                dir + "/site.yaml", diagnostics);
  auto groups = site.group_resolver();
  auto check = make_check(site.checks.at(0), site, *groups, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(check != nullptr);
  const auto commands = check->commands();
  REQUIRE(commands.size() == 2);
  CHECK(commands[0].text() ==
        "/opt/gl resolve -s 127.0.0.53:5353 -t 4000ms top1.lab top1-adm.lab top2.lab top2-adm.lab "
        "batch1.lab batch1-adm.lab");
  CHECK(commands[1].text().rfind("/opt/gl resolve -s '[::1]:53'", 0) == 0);

  RunResult first;
  first.status = RunStatus::kExit;
  first.exit_code = 1;
  first.out =
      "top1.lab: 10.1.0.1\ntop1-adm.lab: 10.1.0.1\ntop2.lab: 10.1.0.2\ntop2-adm.lab: error: "
      "NXDOMAIN\nbatch1.lab: 10.1.3.1\nbatch1-adm.lab: 10.1.3.1\n";
  RunResult second;
  second.status = RunStatus::kTimeout;
  second.reason = "timed out after 5s";
  auto r = check->judge({first, second});
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "top2-adm.lab missing at 127.0.0.53:5353 (NXDOMAIN); DNS server [::1]:53 not asked: "
        "timed out after 5s (timeout)");

  config::Diagnostics bad;
  const std::string wrong =
      "hosts:\n  top1: {self: true}\nchecks:\n"
      "  dns: {kind: dns_critical, addresses: addresses.yaml, servers: [dns1.lab]}\n";
  auto bad_site = checks::read_site(config::load_yaml_text(wrong, dir + "/site.yaml", bad),
                                    dir + "/site.yaml", bad);
  CHECK(make_check(bad_site.checks.at(0), bad_site, *groups, bad) == nullptr);
  CHECK_THAT(bad.format(), Catch::Contains("site.yaml:4:"));
  CHECK_THAT(bad.format(), Catch::Contains("'dns1.lab': a DNS server is an IP address"));
  std::filesystem::remove_all(dir);
}
