// Nagios plugin output and perfdata, on real monitoring-plugins captures.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/nagios.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/nagios/" + name);
}
}  // namespace

TEST_CASE("check_load: status line and three data with trailing empty fields") {
  const auto out = parse_nagios_output(fixture("check_load.txt"));
  REQUIRE(out.ok());
  CHECK(out->status_text == "LOAD OK - total load average: 0.13, 0.11, 0.04");
  REQUIRE(out->perfdata.size() == 3);
  CHECK(out->perfdata[0].label == "load1");
  CHECK(out->perfdata[0].value == Approx(0.13));
  CHECK(out->perfdata[0].warn == "50.000");
  CHECK(out->perfdata[0].crit == "60.000");
  CHECK(out->perfdata[0].min == Approx(0.0));
  CHECK_FALSE(out->perfdata[0].max.has_value());
  CHECK(out->perfdata_errors.empty());
}

TEST_CASE("check_ping and check_disk: units converted to base units") {
  const auto ping = parse_nagios_output(fixture("check_ping.txt"));
  REQUIRE(ping.ok());
  REQUIRE(ping->perfdata.size() == 2);
  CHECK(ping->perfdata[0].label == "rta");
  CHECK(ping->perfdata[0].uom == "ms");
  CHECK(base_unit_value(ping->perfdata[0]) == Approx(0.000201));
  CHECK(ping->perfdata[1].uom == "%");
  CHECK(base_unit_value(ping->perfdata[1]) == Approx(0.0));
  const auto disk = parse_nagios_output(fixture("check_disk.txt"));
  REQUIRE(disk.ok());
  REQUIRE(disk->perfdata.size() == 1);
  CHECK(disk->perfdata[0].label == "/");
  CHECK(disk->perfdata[0].uom == "B");
  CHECK(disk->perfdata[0].max == Approx(270552530944.0));
}

TEST_CASE("check_procs: range thresholds are kept as written") {
  const auto out = parse_nagios_output(fixture("check_procs.txt"));
  REQUIRE(out.ok());
  REQUIRE(out->perfdata.size() == 1);
  CHECK(out->perfdata[0].warn == "1:5000");
  CHECK(out->perfdata[0].crit == "1:10000");
}

TEST_CASE("multi-line long output with perfdata after '|' on later lines") {
  const auto out = parse_nagios_output(fixture("long_output.txt"));
  REQUIRE(out.ok());
  CHECK(out->status_text == "DISK OK - free space: / 3326 MB (56%);");
  CHECK(out->long_output == std::vector<std::string>{"/ 15272 MB (77%);", "/boot 68 MB (69%);",
                                                     "/home 69357 MB (27%);",
                                                     "/var/log 819 MB (84%);"});
  REQUIRE(out->perfdata.size() == 6);
  CHECK(out->perfdata[0].label == "/");
  CHECK(out->perfdata[1].label == "/boot");
  CHECK(out->perfdata[2].label == "/home");
  CHECK(out->perfdata[3].label == "/var/log");
  CHECK(out->perfdata[4].label == "it's cache");
  CHECK(out->perfdata[4].value == Approx(12.5));
  CHECK(out->perfdata[5].label == "wait U");
  CHECK_FALSE(out->perfdata[5].value.has_value());
  CHECK(base_unit_value(out->perfdata[2]) == Approx(69357.0 * 1024 * 1024));
}

TEST_CASE("verdict maps the exit status and turns perfdata into samples") {
  const auto load = parse_nagios_output(fixture("check_load.txt"));
  const auto ok = nagios_verdict(load, 0, "load");
  CHECK(ok.status == Status::ok);
  CHECK(ok.message == "LOAD OK - total load average: 0.13, 0.11, 0.04");
  REQUIRE(ok.samples.size() == 4);
  CHECK(ok.samples[0].name == "greenlight_nagios_perfdata");
  CHECK(ok.samples[3].name == "greenlight_nagios_perfdata_invalid");
  CHECK(ok.samples[3].value == 0);
  CHECK(ok.samples[0].labels == std::vector<std::pair<std::string, std::string>>{
                                    {"check", "load"}, {"label", "load1"}, {"uom", ""}});

  CHECK(nagios_verdict(parse_nagios_output(fixture("check_dummy_critical.txt")), 2, "d").status ==
        Status::critical);
  const auto refused =
      nagios_verdict(parse_nagios_output(fixture("check_tcp_refused.txt")), 2, "tcp");
  CHECK(refused.status == Status::critical);
  CHECK(refused.message == "connect to address 127.0.0.1 and port 1: Connection refused");
  CHECK(nagios_verdict(parse_nagios_output("WARN - x\n"), 1, "x").status == Status::warning);
  CHECK(nagios_verdict(parse_nagios_output("? \n"), 3, "x").status == Status::unknown);
  const auto crashed = nagios_verdict(parse_nagios_output("Segmentation fault\n"), 139, "x");
  CHECK(crashed.status == Status::unknown);
  CHECK_THAT(crashed.message, Catch::Contains("exit status 139"));
  const auto silent = nagios_verdict(parse_nagios_output(""), 0, "x");
  // Exit 0 with no status line is no evidence of OK (Nagios would say OK).
  CHECK(silent.status == Status::unknown);
  CHECK_THAT(silent.message, Catch::Contains("no output"));
}

TEST_CASE("bad perfdata is reported and skipped, the rest is kept") {
  std::vector<std::string> errors;
  const auto data = parse_perfdata("a=1 b=abc 'open=3 c=2", &errors);
  REQUIRE(data.size() == 1);
  CHECK(data[0].label == "a");
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::Contains("'abc' is not a number"));
  CHECK_THAT(errors[1], Catch::Contains("unterminated"));
  errors.clear();
  CHECK(parse_perfdata("=5 novalue", &errors).empty());
  CHECK(errors.size() == 2);
  const auto sci = parse_perfdata("x=1.5e3s;;;", nullptr);
  REQUIRE(sci.size() == 1);
  CHECK(sci[0].value == Approx(1500));
  CHECK(sci[0].uom == "s");
}

TEST_CASE("command kind: exit 0 is ok, anything else critical with the last line") {
  const auto ok = command_verdict(0, "mounted\n", "mounts");
  CHECK(ok.green());
  CHECK(ok.message == "exit status 0: mounted");
  const auto bad = command_verdict(32, "umount: /mnt: target is busy.\n\n", "umount");
  CHECK(bad.status == Status::critical);
  CHECK(bad.message == "exit status 32: umount: /mnt: target is busy.");
  CHECK(bad.samples.at(0).value == 32);
  CHECK(command_verdict(1, "", "x").message == "exit status 1");
}

// Plugin development guidelines: value [-0-9.] with a unit from a fixed
// list. Plugins under locales such as hu_HU print a decimal comma: it is
// read as a decimal, never split into a value and a "unit".
TEST_CASE("perfdata with a decimal comma is read as a decimal") {
  const auto ntp = parse_nagios_output(fixture("check_ntp_time_hu.txt"));
  REQUIRE(ntp.ok());
  CHECK(ntp->status_text == "NTP OK: Offset -0,082044 secs");
  REQUIRE(ntp->perfdata.size() == 1);
  const auto& offset = ntp->perfdata[0];
  CHECK(offset.label == "offset");
  CHECK(offset.value == Approx(-0.082044));
  CHECK(offset.uom == "s");
  CHECK(offset.warn == "0.500000");
  CHECK(offset.crit == "1.000000");
  CHECK(ntp->perfdata_errors.empty());
  // The same series at every reading: the labels do not hold the value.
  const auto r = nagios_verdict(ntp, 0, "ntp");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].labels == std::vector<std::pair<std::string, std::string>>{
                                   {"check", "ntp"}, {"label", "offset"}, {"uom", "s"}});
  CHECK(r.samples[0].value == Approx(-0.082044));
  CHECK(r.message == "NTP OK: Offset -0,082044 secs");
  const auto other = parse_nagios_output("NTP OK|offset=0,5ms;1,5:2,5;@0,1:3;0,0;10,25\n");
  REQUIRE(other->perfdata.size() == 1);
  CHECK(other->perfdata[0].value == Approx(0.5));
  CHECK(base_unit_value(other->perfdata[0]) == Approx(0.0005));
  CHECK(other->perfdata[0].warn == "1.5:2.5");
  CHECK(other->perfdata[0].crit == "@0.1:3");
  CHECK(other->perfdata[0].min == Approx(0.0));
  CHECK(other->perfdata[0].max == Approx(10.25));
}

TEST_CASE("perfdata with a unit the guidelines do not allow is dropped with a reason") {
  const auto out = parse_nagios_output(
      "OK|a=1GiB b=2foo c=1,234,5s d=3KB e=4c f=5us g=6% h=7 i=1e3ms j=2e k=1.5.2 l=5,s\n");
  REQUIRE(out.ok());
  std::vector<std::string> kept;
  for (const auto& d : out->perfdata) kept.push_back(d.label + "=" + d.uom);
  CHECK(kept == std::vector<std::string>{"d=KB", "e=c", "f=us", "g=%", "h=", "i=ms"});
  CHECK(out->perfdata[5].value == Approx(1000.0));
  REQUIRE(out->perfdata_errors.size() == 6);
  CHECK(out->perfdata_errors[0] ==
        "label 'a': unit 'GiB' is not one of s, ms, us, %, B, KB, MB, TB, c or none");
  CHECK(out->perfdata_errors[2] ==
        "label 'c': value '1,234,5s' has more than one comma (thousands separators?): not a number");
  const auto r = nagios_verdict(out, 0, "x");
  CHECK(r.status == Status::ok);
  CHECK(r.message ==
        "OK (6 perfdata dropped: label 'a': unit 'GiB' is not one of s, ms, us, %, B, KB, MB, TB, "
        "c or none)");
  CHECK(*r.fact("perfdata_invalid", "2") ==
        "label 'b': unit 'foo' is not one of s, ms, us, %, B, KB, MB, TB, c or none");
  for (const auto& sample : r.samples) {
    if (sample.name == "greenlight_nagios_perfdata_invalid") CHECK(sample.value == 6);
  }
}
