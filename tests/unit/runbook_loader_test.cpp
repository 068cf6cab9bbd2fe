#include <catch2/catch.hpp>

#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/runbook.h"

using namespace greenlight;

namespace {

const char* kSite = R"(site: t
hosts:
  top[1-2]: {address: "10.0.0.[1-2]"}
  top1: {self: true}
groups:
  top: top[1-2]
checks:
  fleet: {kind: fleet_units}
  ping: {kind: fping}
runbooks:
  inline:
    book:
)";

std::string errors_of(const std::string& book) {
  config::Diagnostics diagnostics;
  auto site =
      checks::read_site(config::load_yaml_text(std::string(kSite) + book, "site.yaml", diagnostics),
                        "site.yaml", diagnostics);
  runbook::load_runbooks(site, diagnostics);
  return diagnostics.format();
}

}  // namespace

TEST_CASE("the ocean runbooks load and follow the procedure's order") {
  config::Diagnostics diagnostics;
  auto site = checks::load_site(GREENLIGHT_SOURCE_DIR "/examples/ocean/site.yaml", diagnostics);
  auto books = runbook::load_runbooks(site, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(diagnostics.ok());
  REQUIRE(books.size() == 3);
  const auto& restart = books[2];
  CHECK(restart.name == "restart");
  REQUIRE(restart.phases.size() == 19);
  std::vector<std::string> order;
  for (const auto& phase : restart.phases) order.push_back(phase.name);
  CHECK(order == std::vector<std::string>{
                     "preflight", "stop-vms", "stop-dns-vms", "poweroff-islet-workers",
                     "unmount-glusterfs", "stop-volumes", "stop-glusterfs", "poweroff-hypervisors",
                     "poweroff-self", "power-on-hypervisors", "check-peers", "start-volumes",
                     "heal-volumes", "power-on-islet-workers", "start-fleet", "start-dhcp-vms",
                     "start-dns-vms", "start-remaining-vms", "validate"});
  CHECK(restart.destructive());
  CHECK(restart.phases[8].steps.at(0).kind == runbook::StepKind::kSelfPoweroff);
}

TEST_CASE("the plan expands static node sets and leaves dynamic ones to run time") {
  config::Diagnostics diagnostics;
  auto site = checks::load_site(GREENLIGHT_SOURCE_DIR "/examples/ocean/site.yaml", diagnostics);
  auto books = runbook::load_runbooks(site, diagnostics);
  REQUIRE(diagnostics.ok());
  const std::string plan = runbook::render_plan(books[0], site);
  CHECK_THAT(plan,
             Catch::Contains("fleetctl stop --no-block pcocc-vm-ns1 pcocc-vm-ns2 pcocc-vm-ns3"));
  CHECK_THAT(plan,
             Catch::Contains("step 2 run on top[2-3],worker[01-04] (6 nodes):\n      poweroff"));
  CHECK_THAT(plan, Catch::Contains("(node sets resolved at run time)"));
  CHECK_THAT(plan, Catch::Contains("step 1 self_poweroff on top1: poweroff"));
}

TEST_CASE("runbook errors are reported at their place with hints") {
  CHECK(errors_of("      phases:\n        - name: a\n          wait_for: [nope]\n") ==
        "site.yaml:15:22: error: phase 'a': no gate named 'nope' in this runbook's gates\n");
  CHECK(errors_of("      gates:\n        g: {checks: [{check: flet}]}\n      phases: [{name: a, "
                  "wait_for: [g]}]\n") ==
        "site.yaml:14:30: error: gate 'g': no check named 'flet' in the site's checks (did you "
        "mean 'fleet'?)\n");
  CHECK(errors_of("      phases:\n        - name: a\n          steps:\n            - rn: {on: "
                  "self, command: x}\n") ==
        "site.yaml:16:15: error: phase 'a' step 1: unknown step 'rn' (did you mean 'run'?)\n");
  CHECK(errors_of("      phases:\n        - name: a\n          steps:\n            - run: {on: "
                  "'@nosuch', command: x}\n") ==
        "site.yaml:16:25: error: phase 'a' step 1 (run): on: unknown group \"@nosuch\" in source "
        "\"site\"\n");
  CHECK(errors_of("      phases:\n        - name: a\n          steps:\n            - run:\n        "
                  "        on: self\n"
                  "                command: echo {{ node('@top') }}\n") ==
        "site.yaml:18:34: error: phase 'a' step 1 (run): command: unknown function 'node' (known: "
        "nodes, fold)\n");
  CHECK(errors_of("      phases:\n        - name: a\n        - name: a\n") ==
        "site.yaml:15:17: error: phase 'a': defined twice in runbook 'book'\n");
  // Two phases without a name: each reported missing, never a crash.
  const std::string nameless = errors_of("      phases:\n        - {title: x}\n        - {title: y}\n");
  CHECK_THAT(nameless, Catch::Contains("site.yaml:14:11: error"));
  CHECK_THAT(nameless, Catch::Contains("site.yaml:15:11: error"));
  CHECK_THAT(nameless, !Catch::Contains("defined twice"));
  CHECK_THAT(errors_of("      sequence: [nosuch]\n"), Catch::Contains("sequence names 'nosuch'"));
  // A hold as long as the timeout: the gate could never open.
  CHECK_THAT(errors_of("      gates:\n        g: {checks: [{check: fleet, stable_for: 1h}], "
                       "timeout: 1m}\n      phases: [{name: a, wait_for: [g]}]\n"),
             Catch::Contains("check 'fleet' must be green for 3600000 ms, not less than the "
                             "gate's timeout (60000 ms)"));
  CHECK_THAT(errors_of("      gates:\n        g: {checks: [{check: fleet}], stable_for: 10m}\n"
                       "      phases: [{name: a, wait_for: [g]}]\n"),
             Catch::Contains("the gate could never open"));
  // A gate's own parameters are built at load even when they name a group
  // known only while the run goes on: the rest of the value is still checked.
  CHECK_THAT(errors_of("      gates:\n        g: {checks: [{check: fleet, vms: \"@run:x,@nosuch\"}]}"
                       "\n      phases: [{name: a, wait_for: [g]}]\n"),
             Catch::Contains("unknown group \"@nosuch\""));
  CHECK_THAT(errors_of("      gates:\n        g: {checks: [{check: fleet, vms: \"@run:x\", "
                       "bogus: 1}]}\n      phases: [{name: a, wait_for: [g]}]\n"),
             Catch::Contains("bogus"));
  CHECK(errors_of("      gates:\n        g: {checks: [{check: fleet, vms: \"@run:x,@vm:running\"}]}"
                  "\n      phases: [{name: a, wait_for: [g]}]\n") == "");
  CHECK(errors_of("      gates:\n        g: {checks: [{check: fleet, stable_for: 0s}], "
                  "stable_for: 5m}\n      phases: [{name: a, wait_for: [g]}]\n") == "");
}
