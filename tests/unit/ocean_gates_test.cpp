// The gates of examples/ocean as they are built at run time (the site's
// check with the gate's parameters on top), judged on realistic outputs:
// what each gate proves, and that it stays closed when it must.
#include <catch2/catch.hpp>

#include "greenlight/checks/check.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/runbook.h"
#include "support/ocean.h"
#include "support/read_file.h"

using namespace greenlight;
using greenlight::test::Ocean;

namespace {

// fleetctl list-units --fields unit,machine,active,sub --no-legend --full
std::string listing(const std::vector<std::string>& vms, const std::string& state) {
  std::string out;
  for (const auto& vm : vms)
    out +=
        "pcocc-vm-" + vm + ".service\t9f4c2a1be85d4c8f9a3e0d7b6c5a4f31/10.1.0.1\t" + state + "\n";
  return out;
}
const std::vector<std::string> kManagement{"admin1", "admin2", "batch1", "batch2",
                                           "batch3", "auto1",  "infra1", "infra2",
                                           "ns1",    "ns2",    "ns3"};
const std::vector<std::string> kDns{"ns1", "ns2", "ns3"};

}  // namespace

TEST_CASE("ocean: the runbooks load with the gates' parameters") {
  Ocean ocean;
  INFO(ocean.diagnostics.format());
  REQUIRE(ocean.diagnostics.ok());
}

TEST_CASE("ocean all-vms-stopped: a pcocc VM outside the site's list keeps it closed") {
  Ocean ocean;
  const auto stopped = listing(kManagement, "inactive\tdead");
  CHECK(ocean.judge("shutdown", "all-vms-stopped", 0, {{"list-units", stopped}}).green());
  const auto login =
      ocean.judge("shutdown", "all-vms-stopped", 0,
                  {{"list-units", stopped + listing({"login1"}, "active\trunning")}});
  CHECK(login.status == checks::Status::critical);
  CHECK_THAT(login.message, Catch::Contains("pcocc-vm-login1.service (active/running"));
  // An empty listing, or a VM missing from it, proves nothing.
  CHECK(ocean.judge("shutdown", "all-vms-stopped", 0, {{"list-units", ""}}).status ==
        checks::Status::unknown);
  const auto missing =
      ocean.judge("shutdown", "all-vms-stopped", 0,
                  {{"list-units", listing({"admin1", "admin2"}, "inactive\tdead")}});
  CHECK(missing.status == checks::Status::unknown);
  CHECK_THAT(missing.message, Catch::Contains("not listed by fleet"));
}

TEST_CASE("ocean vms-stopped-except-dns: the DNS VMs may run, nothing else") {
  Ocean ocean;
  std::vector<std::string> others;
  for (const auto& vm : kManagement)
    if (vm.rfind("ns", 0) != 0) others.push_back(vm);
  const auto dns_up = listing(others, "inactive\tdead") + listing(kDns, "active\trunning");
  CHECK(ocean.judge("shutdown", "vms-stopped-except-dns", 0, {{"list-units", dns_up}}).green());
  const auto login = ocean.judge("shutdown", "vms-stopped-except-dns", 0,
                                 {{"list-units", dns_up + listing({"login1"}, "active\trunning")}});
  CHECK(login.status == checks::Status::critical);
}

TEST_CASE("ocean: the peers gate expects every glusterd of @top,@worker") {
  Ocean ocean;
  const std::string tops =
      test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/peers3/pool_list.xml");
  const auto r = ocean.judge("shutdown", "cluster-healthy", 0, {{"pool list", tops}});
  CHECK(r.status == checks::Status::critical);
  CHECK_THAT(r.message, Catch::Contains("peer worker01 not in the pool"));
}

TEST_CASE("ocean: the gate after powering off names self, not top1") {
  Ocean ocean;
  const auto check = ocean.build(ocean.gate("shutdown", "other-hypervisors-down").checks.at(0));
  std::string all;
  for (const auto& command : check->commands()) all += command.text() + "\n";
  // top2's BMC and address are read, top1's (self) never.
  CHECK_THAT(all, Catch::Contains("-H 10.2.0.2 "));
  CHECK_THAT(all, Catch::Contains("10.1.0.2 10.1.0.3 10.1.1.1"));
  CHECK_THAT(all, !Catch::Contains("10.2.0.1 ") && !Catch::Contains("10.1.0.1 "));
}

TEST_CASE("ocean: startup closes with the preflight health gate plus fleet and alerts") {
  Ocean ocean;
  const auto& startup = ocean.books.at(1);
  REQUIRE(startup.name == "startup");
  CHECK(startup.phases.back().name == "validate");
  CHECK(startup.phases.back().require == std::vector<std::string>{"cluster-validated"});
  std::vector<std::string> keys;
  for (const auto& c : ocean.gate("startup", "cluster-validated").checks)
    keys.push_back(runbook::gate_check_key(c));
  CHECK(keys == std::vector<std::string>{
                    "gluster-peers", "gluster-volumes{expect=started}", "gluster-heal", "ping",
                    "fleet-units{expect=running,vms=@management_vms}", "monitoring-alerts"});
  // The same checks as the preflight's.
  std::vector<std::string> preflight;
  for (const auto& c : ocean.gate("shutdown", "cluster-healthy").checks)
    preflight.push_back(runbook::gate_check_key(c));
  CHECK(std::equal(preflight.begin(), preflight.end(), keys.begin()));
}
