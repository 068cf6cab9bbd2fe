// The power check's parser and verdict: ipmitool's `chassis power status`
// as captured against OpenIPMI's ipmi_sim (tests/fixtures/power), and the
// two signals (chassis power from the BMC, ping of the address) combined.
#include <catch2/catch.hpp>
#include <cmath>

#include "greenlight/checks/power.h"
#include "support/read_file.h"

using namespace greenlight;
using namespace greenlight::checks;

namespace {

// The output of one command of the capture: the lines after "$ ipmitool ... ARGS".
std::string captured(const std::string& args) {
  const std::string text =
      test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/power/ipmitool_sim.txt");
  const std::string header = "$ ipmitool ... " + args + "\n";
  const auto at = text.find(header);
  REQUIRE(at != std::string::npos);
  const auto start = at + header.size();
  return text.substr(start, text.find("rc=", start) - start);
}

NodePower node(const std::string& name, std::optional<bool> on, std::optional<bool> ping) {
  NodePower n;
  n.node = name;
  n.address = "10.1.4.1";
  n.chassis_on = on;
  if (!on) n.chassis_error = "exit 1: Error: Unable to establish IPMI v2 / RMCP+ session";
  n.answers_ping = ping;
  return n;
}

}  // namespace

TEST_CASE("chassis power: ipmitool's status lines, and nothing else, say on or off") {
  CHECK(*parse_chassis_power(captured("chassis power status")) == false);
  CHECK(*parse_chassis_power("Chassis Power is on\n") == true);
  CHECK(*parse_chassis_power(captured("power status")) == false);
  // Control answers and other text do not say the state.
  CHECK_FALSE(parse_chassis_power(captured("chassis power off")).ok());
  CHECK_FALSE(parse_chassis_power("").ok());
  CHECK_FALSE(parse_chassis_power("Chassis Power is unknown\n").ok());
  CHECK_FALSE(parse_chassis_power("Chassis Power is on\nChassis Power is off\n").ok());
  CHECK_THAT(parse_chassis_power(captured("mc info")).error().reason,
             Catch::Contains("no 'power is on|off' in the status output: 'Device ID"));
}

TEST_CASE("power off: chassis off and silent, on, answering, or unread keeps it closed") {
  CHECK(power_state_verdict({node("islet01", false, false), node("islet02", false, false)},
                            PowerGoal::off)
            .green());
  // A reboot instead of a poweroff: the chassis stays on.
  const auto rebooted = power_state_verdict(
      {node("islet01", false, false), node("islet02", true, false)}, PowerGoal::off);
  CHECK(rebooted.status == Status::critical);
  CHECK(rebooted.message == "islet02 chassis on");
  // The BMC says off but the address answers: something else answers there.
  const auto answers = power_state_verdict({node("islet01", false, true)}, PowerGoal::off);
  CHECK(answers.status == Status::critical);
  CHECK_THAT(answers.message,
             Catch::Contains("islet01 chassis off, but 10.1.4.1 still answers ping"));
  const auto unread = power_state_verdict({node("islet01", std::nullopt, false)}, PowerGoal::off);
  CHECK(unread.status == Status::unknown);
  CHECK_THAT(unread.message, Catch::Contains("islet01 power not read: exit 1: Error: Unable"));
  const auto no_ping = power_state_verdict({node("islet01", false, std::nullopt)}, PowerGoal::off);
  CHECK(no_ping.status == Status::unknown);
  CHECK(power_state_verdict({}, PowerGoal::off).status == Status::unknown);
  CHECK(std::isnan(unread.samples.at(0).value));
}

TEST_CASE("power on: chassis on and answering, booting is a warning, off critical") {
  const auto up =
      power_state_verdict({node("top2", true, true), node("top3", true, true)}, PowerGoal::on);
  CHECK(up.green());
  CHECK(up.message == "2 nodes powered on: top2, top3");
  CHECK(power_state_verdict({node("top2", true, false)}, PowerGoal::on).status == Status::warning);
  CHECK(power_state_verdict({node("top2", false, false)}, PowerGoal::on).status ==
        Status::critical);
  CHECK(*up.fact("power", "top2") == "on");
}
