// Ocean's gates for critical DNS, power and heal, built as at run time and
// run on scripted outputs: the hosts file of every top and worker before
// shutdown and again with the DNS VMs down; the BMCs and addresses of the
// nodes powered off or on; the heal summary at a pace a healing volume bears.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <tuple>
#include <map>

#include "greenlight/checks/confiture.h"
#include "support/ocean.h"
#include "support/read_file.h"

using namespace greenlight;
using greenlight::test::Ocean;
using std::chrono::minutes;

namespace {

// What the lookup script prints on a host whose hosts file holds every
// critical record of ocean's confiture but `drop`.
std::string hosts_file(const std::string& drop = "") {
  const auto records = checks::parse_confiture_addresses(
      test::read_file(GREENLIGHT_SOURCE_DIR "/examples/ocean/confiture/addresses.yaml"),
      "addresses.yaml");
  REQUIRE(records.ok());
  std::map<std::string, std::string> seen;
  std::string out;
  for (const auto& record : checks::critical_records(*records)) {
    for (const auto& name : record.names) {
      if (!seen.emplace(name, record.address).second) continue;
      out += "== " + name + "\n";
      if (name != drop) out += record.address + "        " + name + "\n";
      out += name == drop ? "== rc 2\n" : "== rc 0\n";
    }
  }
  return out;
}

FakeRunner::Rule rule(const std::string& node, const std::string& contains, const std::string& out,
                      int code = 0) {
  return {node, contains, Ocean::exited(code, out)};
}

}  // namespace

TEST_CASE("ocean critical-dns-resolves: the hosts file of every top and worker, names with hosts") {
  Ocean ocean;
  std::vector<std::string> recorded;
  const auto good = ocean.judge_rules("shutdown", "critical-dns-resolves", 0,
                                      {rule("", "getent", hosts_file())}, &recorded);
  CHECK(good.green());
  CHECK_THAT(good.message,
             Catch::Contains(
                 "in the hosts files of top1, top2, top3, worker01, worker02, worker03, worker04"));
  REQUIRE(recorded.size() == 7);
  for (const char* host : {"top1: ", "top2: ", "top3: ", "worker01: ", "worker04: "}) {
    const bool ran = std::any_of(recorded.begin(), recorded.end(), [&](const std::string& line) {
      return line.rfind(host, 0) == 0 &&
             line.find("getent -s hosts:files hosts") != std::string::npos;
    });
    CHECK(ran);
  }
  // A record missing from one worker's hosts file (it resolves through DNS
  // meanwhile, which proves nothing for the time DNS is down).
  const auto missing = ocean.judge_rules(
      "shutdown", "critical-dns-resolves", 0,
      {rule("worker02", "getent", hosts_file("top2-data")), rule("", "getent", hosts_file())});
  CHECK(missing.status == checks::Status::critical);
  CHECK(missing.message == "top2-data not in the hosts file of worker02");
  // A worker that cannot be reached proves nothing.
  RunResult refused;
  refused.status = RunStatus::kRefused;
  refused.reason = "connection refused";
  const auto unread =
      ocean.judge_rules("shutdown", "critical-dns-resolves", 0,
                        {{"worker03", "getent", refused}, rule("", "getent", hosts_file())});
  CHECK(unread.status == checks::Status::unknown);
  CHECK_THAT(unread.message,
             Catch::Contains("hosts file of worker03 not read: connection refused"));
}

TEST_CASE("ocean all-vms-stopped: the hosts files are read again once the DNS VMs are down") {
  Ocean ocean;
  const auto& gate = ocean.gate("shutdown", "all-vms-stopped");
  REQUIRE(gate.checks.size() == 2);
  CHECK(gate.checks.at(1).check == "dns-critical");
  const auto r = ocean.judge_rules(
      "shutdown", "all-vms-stopped", 1,
      {rule("top3", "getent", hosts_file("islet07")), rule("", "getent", hosts_file())});
  CHECK(r.message == "islet07 not in the hosts file of top3");
}

TEST_CASE("ocean power gates: chassis off from every BMC and silent addresses, for stable_for") {
  Ocean ocean;
  const auto& islets = ocean.gate("shutdown", "islet-workers-down");
  // Long enough for a BMC power cycle (off for a second or two) not to pass.
  CHECK(islets.stable_for >= std::chrono::seconds(10));
  std::vector<std::string> recorded;
  const std::string silent = "10.1.4.1 : - -\n10.1.4.2 : - -\n";
  const auto off = ocean.judge_rules(
      "shutdown", "islet-workers-down", 0,
      {rule("", "chassis power status", "Chassis Power is off\n"), rule("", "fping", silent)},
      &recorded);
  // 16 islets: 14 without an fping line are not proven silent.
  CHECK(off.status == checks::Status::unknown);
  REQUIRE(recorded.size() == 17);
  CHECK_THAT(
      recorded.at(0),
      Catch::Contains("ipmitool -I lanplus -H 10.2.4.1 -U admin -E -C 3 chassis power status"));
  CHECK_THAT(recorded.at(16), Catch::Contains("fping -C 2 -q -t 300 -p 50 -- 10.1.4.1 10.1.4.2"));
  std::string all_silent;
  for (int i = 1; i <= 16; ++i) all_silent += "10.1.4." + std::to_string(i) + " : - -\n";
  CHECK(ocean
            .judge_rules("shutdown", "islet-workers-down", 0,
                         {rule("", "chassis power status", "Chassis Power is off\n"),
                          rule("", "fping", all_silent, 1)})
            .green());
  // islet05 rebooted instead of powering off: its chassis is on.
  const auto rebooted =
      ocean.judge_rules("shutdown", "islet-workers-down", 0,
                        {rule("", "-H 10.2.4.5 ", "Chassis Power is on\n"),
                         rule("", "chassis power status", "Chassis Power is off\n"),
                         rule("", "fping", all_silent, 1)});
  CHECK(rebooted.status == checks::Status::critical);
  CHECK(rebooted.message == "islet05 chassis on");
  // Startup: on from the BMC and answering at its address.
  std::string answering;
  for (const char* a : {"10.1.0.2", "10.1.0.3", "10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.4"})
    answering += std::string(a) + " : 0.10 0.12\n";
  const auto up = ocean.judge_rules(
      "startup", "hypervisors-reachable", 0,
      {rule("", "chassis power status", "Chassis Power is on\n"), rule("", "fping", answering)});
  CHECK(up.green());
  CHECK(up.message == "6 nodes powered on: top2, top3, worker01, worker02, worker03, worker04");
}

TEST_CASE("ocean fleet gates read the units 250 ms after each reading, power gates 20 ms") {
  Ocean ocean;
  ocean.for_run("shutdown", "all-vms-stopped", {{"vms_at_shutdown", "admin[1-2]"}});
  using std::chrono::milliseconds;
  for (const auto& [phase, name, pace] :
       {std::tuple{"shutdown", "all-vms-stopped", milliseconds(250)},
        {"shutdown", "islet-workers-down", milliseconds(20)},
        {"startup", "dns-vms-running", milliseconds(250)}}) {
    INFO(phase << " " << name);
    const auto& gate = ocean.gate(phase, name);
    REQUIRE_FALSE(gate.checks.empty());
    CHECK(ocean.build(gate.checks.at(0))->gate_interval() == pace);
  }
}

TEST_CASE("ocean volumes-healed: the summary, at most every 10 s, for hours") {
  Ocean ocean;
  const auto& gate = ocean.gate("startup", "volumes-healed");
  CHECK(gate.timeout >= std::chrono::hours(2));
  const auto check = ocean.build(gate.checks.at(0));
  CHECK(check->gate_interval() == std::chrono::seconds(10));
  bool summary = false;
  for (const auto& command : check->commands())
    summary =
        summary || command.text().find("heal volspoms1 info summary --xml") != std::string::npos;
  CHECK(summary);
}

TEST_CASE("ocean peers-connected: every hypervisor times every peer name, a slow one named") {
  Ocean ocean;
  const auto& gate = ocean.gate("startup", "peers-connected");
  REQUIRE(gate.checks.size() == 4);
  CHECK(gate.checks.at(3).check == "name-resolution");
  const auto check = ocean.build(gate.checks.at(3));
  // One script per hypervisor: top1 locally (self), the six others over SSH.
  REQUIRE(check->commands().size() == 7);
  CHECK_FALSE(check->placements().at(0).has_value());
  REQUIRE(check->placements().at(6).has_value());
  CHECK(check->placements().at(6)->node == "worker04");
  CHECK_THAT(check->commands().at(0).text(), Catch::Contains(" top1 top2 top3 worker01 worker02 worker03 worker04)"));
  // On worker03, worker04's name is not in the hosts file and the DNS VMs
  // are not up yet: the lookup waits for the resolver's timeout.
  std::string fast = "nsswitch hosts: files dns\n";
  for (const char* name :
       {"top1", "top2", "top3", "worker01", "worker02", "worker03", "worker04"}) {
    fast +=
        fmt::format("resolve {0} nss 3000 0 10.1.0.9\nresolve {0} files 2000 0 10.1.0.9\n", name);
  }
  std::string slow = fast;
  const std::string from =
      "resolve worker04 nss 3000 0 10.1.0.9\nresolve worker04 files 2000 0 10.1.0.9\n";
  slow.replace(slow.find(from), from.size(),
               "resolve worker04 nss 2010000 2\nresolve worker04 files 2000 2\n"
               "resolve worker04 dns 2004000 2\n");
  const auto r = ocean.judge_rules("startup", "peers-connected", 3,
                                   {rule("worker03", "ahosts", slow), rule("", "ahosts", fast)});
  CHECK(r.status == checks::Status::critical);
  CHECK_THAT(r.message,
             Catch::StartsWith("worker04 unresolved on worker03 (dns slow, worst 2.01 s"));
}
