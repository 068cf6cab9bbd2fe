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
  ocean.for_run("shutdown", "all-vms-stopped", {{"vms_at_shutdown", "admin[1-2]"}});
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
  ocean.for_run("shutdown", "vms-stopped-except-dns", {{"vms_to_stop", "admin[1-2]"}});
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
                    "fleet-units{expect=running,vms=@run:vms_to_start,@dhcp_vms,@dns_vms}",
                    "monitoring-alerts"});
  // The same checks as the preflight's.
  std::vector<std::string> preflight;
  for (const auto& c : ocean.gate("shutdown", "cluster-healthy").checks)
    preflight.push_back(runbook::gate_check_key(c));
  CHECK(std::equal(preflight.begin(), preflight.end(), keys.begin()));
}

TEST_CASE("ocean vms-stopped-except-dns: every VM the stop step acted on is listed and stopped") {
  Ocean ocean;
  // login1 ran at shutdown though the site does not list it: the step
  // stopped it, the gate checks it.
  const auto gate =
      ocean.for_run("shutdown", "vms-stopped-except-dns", {{"vms_to_stop", "admin1,login1"}});
  std::vector<std::string> others;
  for (const auto& vm : kManagement)
    if (vm.rfind("ns", 0) != 0) others.push_back(vm);
  const auto stopped = listing(others, "inactive\tdead") + listing(kDns, "active\trunning");
  const auto vanished = ocean.judge(gate.checks.at(0), {{"list-units", stopped}});
  CHECK(vanished.status == checks::Status::unknown);
  CHECK_THAT(vanished.message, Catch::Contains("login1"));
  CHECK(ocean.judge(gate.checks.at(0),
                    {{"list-units", stopped + listing({"login1"}, "inactive\tdead")}})
            .green());
  // Fleet lists another pcocc VM active: red, whatever the lists say.
  CHECK(ocean.judge(gate.checks.at(0), {{"list-units", stopped + listing({"login1"}, "inactive\tdead") +
                                                           listing({"extra9"}, "active\trunning")}})
            .status == checks::Status::critical);
}

TEST_CASE("ocean preconditions: router VMs stopped in fleet, no other VM, compute nodes off") {
  Ocean ocean;
  const auto& gate = ocean.gate("shutdown", "preconditions-met");
  const auto routers_down = listing({"lnet1", "lnet2"}, "inactive\tdead") +
                            listing(kManagement, "active\trunning");
  CHECK(ocean.judge("shutdown", "preconditions-met", 0, {{"list-units", routers_down}}).green());
  const auto router_up = ocean.judge(
      "shutdown", "preconditions-met", 0,
      {{"list-units", listing({"lnet1"}, "inactive\tdead") + listing({"lnet2"}, "active\trunning") +
                          listing(kManagement, "active\trunning")}});
  CHECK(router_up.status == checks::Status::critical);
  CHECK_THAT(router_up.message, Catch::Contains("lnet2"));
  // A router VM fleet does not list was not stopped with fleetctl stop (it
  // would stay listed, inactive): not proven.
  CHECK(ocean.judge("shutdown", "preconditions-met", 0,
                    {{"list-units", listing({"lnet1"}, "inactive\tdead") +
                                        listing(kManagement, "active\trunning")}})
            .status == checks::Status::unknown);
  const auto stray = ocean.judge(
      "shutdown", "preconditions-met", 0,
      {{"list-units", routers_down + listing({"login7"}, "active\trunning")}});
  CHECK(stray.status == checks::Status::critical);
  CHECK_THAT(stray.message, Catch::Contains("login7"));
  // The compute nodes: every one must be unreachable at its address.
  REQUIRE(gate.checks.size() == 2);
  const auto ping = ocean.build(gate.checks.at(1));
  const std::string argv = ping->commands().at(0).text();
  CHECK_THAT(argv, Catch::Contains("cn001"));
  CHECK_THAT(argv, Catch::Contains("cn128"));
  // The manual steps left are what the site cannot see.
  const runbook::Runbook* shutdown = nullptr;
  for (const auto& book : ocean.books)
    if (book.name == "shutdown") shutdown = &book;
  REQUIRE(shutdown != nullptr);
  const auto& preflight = shutdown->phases.at(0);
  CHECK(preflight.require.back() == "preconditions-met");
  for (const auto& step : preflight.steps) {
    if (step.kind != runbook::StepKind::kManual) continue;
    CHECK_THAT(step.text, !Catch::Contains("Compute nodes"));
    CHECK_THAT(step.text, Catch::Contains("not fleet VMs"));
  }
}

TEST_CASE("ocean startup: plan says which VM list the start step uses") {
  Ocean ocean;
  const runbook::Runbook* startup = nullptr;
  const runbook::Runbook* restart = nullptr;
  for (const auto& book : ocean.books) {
    if (book.name == "startup") startup = &book;
    if (book.name == "restart") restart = &book;
  }
  REQUIRE(startup != nullptr);
  REQUIRE(restart != nullptr);
  const std::string alone = runbook::render_plan(*startup, ocean.site);
  CHECK_THAT(alone, Catch::Contains("this run has no @run:vms_at_shutdown"));
  CHECK_THAT(alone, Catch::Contains("@run:vms_to_start = @management_vms = admin[1-2],auto1,"));
  const std::string whole = runbook::render_plan(*restart, ocean.site);
  CHECK_THAT(whole, Catch::Contains("saves @run:vms_at_shutdown (this run has it"));
  runbook::PlanOptions from;
  from.run_groups = {{"vms_at_shutdown", "admin1,login1"}};
  from.from_run = "restart-20261129-080000";
  const std::string earlier = runbook::render_plan(*startup, ocean.site, from);
  CHECK_THAT(earlier, Catch::Contains("with the groups saved by run restart-20261129-080000"));
  CHECK_THAT(earlier, Catch::Contains("@run:vms_to_start = @run:vms_at_shutdown = admin1,login1"));
}
