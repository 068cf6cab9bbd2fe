// CheckResult: Nagios statuses, severity order, facts and group facts.
#include "greenlight/checks/check_result.h"

#include <catch2/catch.hpp>

using namespace greenlight::checks;

TEST_CASE("statuses carry the Nagios exit codes and names") {
  CHECK(static_cast<int>(Status::ok) == 0);
  CHECK(static_cast<int>(Status::warning) == 1);
  CHECK(static_cast<int>(Status::critical) == 2);
  CHECK(static_cast<int>(Status::unknown) == 3);
  CHECK(to_string(Status::critical) == "CRITICAL");
  CHECK(status_from_exit_code(0) == Status::ok);
  CHECK(status_from_exit_code(2) == Status::critical);
  CHECK(status_from_exit_code(3) == Status::unknown);
  CHECK(status_from_exit_code(127) == Status::unknown);
  CHECK(status_from_exit_code(-1) == Status::unknown);
}

TEST_CASE("worst ranks critical above unknown above warning above ok") {
  CHECK(worst(Status::ok, Status::warning) == Status::warning);
  CHECK(worst(Status::unknown, Status::warning) == Status::unknown);
  CHECK(worst(Status::unknown, Status::critical) == Status::critical);
  CHECK(worst(Status::critical, Status::unknown) == Status::critical);
  CHECK(worst(Status::ok, Status::ok) == Status::ok);
}

TEST_CASE("a result is green only when ok, a default result is unknown") {
  CheckResult r;
  CHECK(r.status == Status::unknown);
  CHECK_FALSE(r.green());
  r.status = Status::warning;
  CHECK_FALSE(r.green());
  r.status = Status::ok;
  CHECK(r.green());
  const auto u = unknown_result("fleetctl: exit status 1");
  CHECK(u.status == Status::unknown);
  CHECK(u.message == "fleetctl: exit status 1");
}

TEST_CASE("facts: lookup, per kind, and grouped by value for dynamic groups") {
  CheckResult r;
  r.add_fact("vm", "admin1", "running");
  r.add_fact("vm", "ns1", "dead");
  r.add_fact("vm", "admin2", "running");
  r.add_fact("unit", "pcocc-vm-admin1.service", "active/running");
  r.add_sample("greenlight_fleet_unit_running", {{"unit", "pcocc-vm-admin1.service"}}, 1);
  REQUIRE(r.fact("vm", "ns1") != nullptr);
  CHECK(*r.fact("vm", "ns1") == "dead");
  CHECK(r.fact("vm", "nobody") == nullptr);
  CHECK(r.facts_of("vm").size() == 3);
  const auto groups = r.groups_of("vm");
  CHECK(groups.at("running") == std::vector<std::string>{"admin1", "admin2"});
  CHECK(groups.at("dead") == std::vector<std::string>{"ns1"});
  CHECK(r.samples.at(0) ==
        Sample{"greenlight_fleet_unit_running", {{"unit", "pcocc-vm-admin1.service"}}, 1});
  const CheckResult copy = r;
  CHECK(copy.facts == r.facts);
}
