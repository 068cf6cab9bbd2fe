// Cases where a check said OK without evidence, found by trying the checks
// as a new user would: each must be UNKNOWN (or name what is missing).
#include <catch2/catch.hpp>

#include "greenlight/checks/gluster.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/nagios.h"

using namespace greenlight::checks;

namespace {
GlusterPeer peer(const std::string& hostname) {
  GlusterPeer p;
  p.hostname = hostname;
  p.connected = true;
  return p;
}
}  // namespace

TEST_CASE("nagios: exit 0 with an empty status line is unknown, not OK") {
  const auto output = parse_nagios_output("| a=1\n");
  REQUIRE(output.ok());
  const auto r = nagios_verdict(output, 0, "empty");
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "plugin printed an empty status line");
  // A warning or critical exit still counts: the plugin said so by its status.
  CHECK(nagios_verdict(output, 2, "empty").status == Status::critical);
}

TEST_CASE("gluster_peers: an empty pool list says nothing about this node") {
  PeersExpectation expect;
  expect.peers = {"top1"};
  expect.local_node = "top1";
  expect.lists_localhost = true;
  const auto empty = gluster_peers_verdict({}, expect);
  CHECK(empty.status == Status::unknown);
  CHECK_THAT(empty.message, Catch::Contains("the pool list does not show this node (top1) as localhost"));
  const auto listed = gluster_peers_verdict({peer("localhost")}, expect);
  CHECK(listed.status == Status::ok);
}

TEST_CASE("gluster_peers: peers probed by address match their hosts, however written") {
  PeersExpectation expect;
  expect.peers = {"top1", "top2", "top3", "top4"};
  expect.local_node = "top1";
  expect.lists_localhost = true;
  expect.address_of_host = {{"top2", "fd00::2"}, {"top3", "fd00::3"}, {"top4", "10.77.0.4"}};
  const auto r = gluster_peers_verdict(
      {peer("localhost"), peer("fd00::2"), peer("fd00:0:0:0:0:0:0:3"), peer("10.77.0.4")},
      expect);
  INFO(r.message);
  CHECK(r.status == Status::ok);
  CHECK(r.message == "all 4 peers connected");
  // An address no host has is still an unexpected peer.
  const auto other = gluster_peers_verdict(
      {peer("localhost"), peer("fd00::2"), peer("fd00::3"), peer("10.77.0.4"), peer("fd00::9")},
      expect);
  CHECK(other.status == Status::warning);
  CHECK_THAT(other.message, Catch::Contains("unexpected peer fd00::9"));
}

TEST_CASE("nagios perfdata: uom names the unit of the exported value, a label twice is one series") {
  const auto output = parse_nagios_output("DISK OK | /=2643MB;;;0 d=4ms f=6% a=1 a=2 used=1,234,567B\n");
  REQUIRE(output.ok());
  const auto r = nagios_verdict(output, 0, "disk");
  auto uom_of = [&r](const std::string& label) {
    for (const auto& s : r.samples) {
      if (s.name != "greenlight_nagios_perfdata") continue;
      std::string l, u;
      for (const auto& [k, v] : s.labels) {
        if (k == "label") l = v;
        if (k == "uom") u = v;
      }
      if (l == label) return u;
    }
    return std::string("(none)");
  };
  CHECK(uom_of("/") == "B");
  CHECK(uom_of("d") == "s");
  CHECK(uom_of("f") == "ratio");
  std::size_t a = 0;
  for (const auto& s : r.samples) {
    for (const auto& [k, v] : s.labels) a += k == "label" && v == "a";
  }
  CHECK(a == 1);
  CHECK(uom_of("used") == "(none)");
  CHECK_THAT(r.message, Catch::Contains("2 perfdata dropped"));
  bool twice = false, commas = false;
  for (const auto& e : output->perfdata_errors) {
    twice = twice || e.find("'a' given twice") != std::string::npos;
    commas = commas || e.find("more than one comma") != std::string::npos;
  }
  CHECK(twice);
  CHECK(commas);
}
