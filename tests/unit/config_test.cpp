#include "greenlight/core/config.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "greenlight/checks/check_kind.h"
#include "greenlight/core/nodeset.h"

using namespace greenlight::config;
using greenlight::checks::load_site;
using greenlight::checks::read_site;

namespace {
Site site_from(const std::string& text, Diagnostics& diagnostics) {
  return read_site(load_yaml_text(text, "site.yaml", diagnostics), "site.yaml", diagnostics);
}
std::string errors_of(const std::string& text) {
  Diagnostics diagnostics;
  site_from(text, diagnostics);
  return diagnostics.format();
}
}  // namespace

TEST_CASE("the example site loads cleanly") {
  Diagnostics diagnostics;
  Site site = load_site(GREENLIGHT_SOURCE_DIR "/examples/ocean/site.yaml", diagnostics);
  INFO(diagnostics.format());
  REQUIRE(diagnostics.ok());
  CHECK(site.name == "ocean");
  CHECK(site.hosts.size() == 151);  // 23 of the procedure and 128 compute nodes
  REQUIRE(site.self_host() != nullptr);
  CHECK(site.self_host()->name == "top1");
  CHECK(site.host("top2")->address == "10.1.0.2");
  CHECK(site.host("worker03")->bmc == "10.2.1.3");
  CHECK(site.checks.size() == 10);
  auto resolver = site.group_resolver();
  CHECK(greenlight::NodeSet::parse("@hypervisors!top1", resolver.get()).fold() ==
        "top[2-3],worker[01-04]");
  CHECK(greenlight::NodeSet::parse("@vm:running", resolver.get()).empty());
}

TEST_CASE("host attributes pair up with node sets of the same size") {
  Diagnostics diagnostics;
  Site site = site_from("hosts:\n  n[1-3]: {address: '10.0.0.[7-9]', port: 2222, user: admin}\n",
                        diagnostics);
  REQUIRE(diagnostics.ok());
  REQUIRE(site.hosts.size() == 3);
  CHECK(site.hosts[2].name == "n3");
  CHECK(site.hosts[2].address == "10.0.0.9");
  CHECK(site.hosts[2].port == 2222);
  CHECK(errors_of("hosts:\n  n[1-3]: {address: '10.0.0.[7-8]'}\n") ==
        "site.yaml:2:21: error: host 'n[1-3]': address: '10.0.0.[7-8]' gives 2 values for 3 hosts "
        "(write one "
        "value per host, e.g. 10.1.0.[1-3] for top[1-3])\n");
}

TEST_CASE("a host's name, address, bmc and user are plain names, refused where they are written") {
  // Each goes into commands (the SSH host and user, the power command's
  // {bmc}): a shell word, an option or a second line never gets that far.
  CHECK(errors_of("hosts:\n  n1: {address: 'a;id'}\n") ==
        "site.yaml:2:17: error: host 'n1': address 'a;id' is not a plain name: it holds ';' (a "
        "name or address is letters, digits, '.', '_' and '-', starting with a letter or digit)\n");
  CHECK_THAT(errors_of("hosts:\n  n1: {bmc: '-oProxyCommand=x'}\n"),
             Catch::Contains("host 'n1': bmc '-oProxyCommand=x' is not a plain name: it starts "
                             "with '-'"));
  CHECK_THAT(errors_of("hosts:\n  n1: {user: \"root\\nid\"}\n"),
             Catch::Contains("site.yaml:2:14: error: host 'n1': user"));
  CHECK_THAT(errors_of("hosts:\n  \"n$(id)\": {}\n"),
             Catch::Contains("site.yaml:2:3: error: host 'n$(id)'"));
  CHECK(errors_of("hosts:\n  top[1-2].ocean: {address: '10.1.0.[1-2]', bmc: 'top[1-2]-bmc', user: "
                  "gl_admin}\n") == "");
}

TEST_CASE("unknown keys are named with a hint, at their line and column") {
  CHECK(errors_of("site: x\nhots: {}\n") ==
        "site.yaml:2:1: error: site configuration: unknown key 'hots' (did you mean 'hosts'?)\n");
  CHECK(errors_of("ssh:\n  usr: root\n") ==
        "site.yaml:2:3: error: ssh: unknown key 'usr' (did you mean 'user'?)\n");
}

TEST_CASE("wrong types and values are errors at the value") {
  CHECK(errors_of("ssh: {port: twenty}\n") ==
        "site.yaml:1:13: error: ssh: port: expected a whole number, found the value 'twenty'\n");
  CHECK(errors_of("ssh: {fanout: 0}\n") ==
        "site.yaml:1:15: error: ssh: fanout must be between 1 and 4096\n");
  CHECK(errors_of("hosts: [a, b]\n") ==
        "site.yaml:1:8: error: hosts: expected a mapping of node sets to host settings, found a "
        "list\n");
  CHECK(errors_of("checks:\n  c: {kind: fping, timeout: 5 min}\n") ==
        "site.yaml:2:29: error: check 'c': timeout: expected a duration such as 500ms, 30s, 5m or "
        "1h30m, found "
        "the value '5 min'\n");
}

TEST_CASE("missing fields are named") {
  CHECK(errors_of("checks:\n  c: {interval: 5s}\n") ==
        "site.yaml:2:6: error: check 'c': 'kind' is required\n");
}

TEST_CASE("every error is reported at once, in file order") {
  Diagnostics diagnostics;
  load_site(GREENLIGHT_FIXTURES_DIR "/config/broken.yaml", diagnostics);
  CHECK(diagnostics.errors().size() == 14);
  const std::string text = diagnostics.format();
  CHECK_THAT(text,
             Catch::Contains(
                 "broken-checks.yaml:3:11: error: check 'heal': kind: 'gluster_heall' is not one "
                 "of"));
  CHECK_THAT(text, Catch::Contains("(did you mean 'gluster_heal'?)"));
  CHECK_THAT(
      text,
      Catch::Contains("broken.yaml:5:5: error: host 'top[1-3]': unknown key 'adress' (did you mean "
                      "'address'?)"));
  CHECK_THAT(text, Catch::Contains("broken.yaml:12:8: error: group 'top': missing bracket"));
  CHECK_THAT(text, Catch::Contains("only one host can be 'self', found top[1-2]"));
}

TEST_CASE("the same error at the same place is listed once") {
  // Two validations reaching one value (a site's check and a gate built on
  // it) report it once; the same message elsewhere is another error.
  Diagnostics diagnostics;
  const greenlight::config::Mark here{"site.yaml", 4, 7};
  const greenlight::config::Mark there{"site.yaml", 5, 7};
  diagnostics.error(here, "check 'c': unknown key 'x'");
  diagnostics.error(here, "check 'c': unknown key 'x'", "a hint");
  diagnostics.error(there, "check 'c': unknown key 'x'");
  diagnostics.error(here, "check 'c': unknown key 'y'");
  CHECK(diagnostics.errors().size() == 3);
}

TEST_CASE("a host's node set above the ceiling is refused before it is expanded") {
  CHECK_THAT(errors_of("hosts:\n  node[1-100000000]: {}\n"),
             Catch::Contains("100000000 nodes, more than the 1000000 greenlight acts on at once"));
}

TEST_CASE("YAML syntax errors carry their position") {
  CHECK(errors_of("hosts:\n  a: [1, 2\n").find("site.yaml:3:1: error: YAML syntax:") == 0);
}

TEST_CASE("a second YAML document is refused, not ignored") {
  CHECK(errors_of("site: a\n---\nsite: b\n") ==
        "site.yaml:3:1: error: a configuration file holds one YAML document; this is a second "
        "one, after a '---' line\n");
  // A stream on which yaml-cpp's LoadAll returned empty documents without
  // end (fuzz_api_parsers: 2 GB from these 318 bytes): one error, at once.
  const std::string endless =
      R"([{"annotations":{},"endsAt":"2026-11-25T21:16:33.418Z","fingerprint":"71d07d50b3a8f5b4",)"
      R"("receivers":[{"name":"none"}],"startsAt":"2026-11-25T21:16:13.418Z","status"}],)"
      R"("startsAt":"2026-11-25T21:16:13.418Z","status":{4-a54d-31e775bf1fe2"],"state":)"
      R"("suppressed"},"ups":{"alertname":"AlwaysFiring","severity":"critical"}}])";
  CHECK_THAT(errors_of(endless), Catch::StartsWith("site.yaml:"));
  // A leading "---", or an empty document at the end, holds nothing to lose.
  CHECK(errors_of("---\nsite: a\n").empty());
  CHECK(errors_of("site: a\n---\n").empty());
}

TEST_CASE("a file over the value cap gets one error, at its place, and no other") {
  // 250,000 items, no alias: the cap's error alone, not those of a tree cut
  // short (an "include: expected a string" without a file named).
  std::string text = "groups:\n  g:\n";
  for (int i = 0; i < 250000; ++i) text += "    - n\n";
  const std::string errors = errors_of(text);
  CHECK_THAT(errors, Catch::StartsWith("site.yaml:") &&
                         Catch::Contains("more than 200000 values, aliases expanded"));
  CHECK(std::count(errors.begin(), errors.end(), '\n') == 1);
}

TEST_CASE("keys defined twice are errors naming the first definition") {
  CHECK(errors_of("groups:\n  a: x1\n  a: x2\n") ==
        "site.yaml:3:3: error: 'a' is defined twice (first defined at site.yaml:2:3)\n");
}

TEST_CASE("include cycles and unreadable includes are errors") {
  Diagnostics diagnostics;
  load_site(GREENLIGHT_FIXTURES_DIR "/config/cycle-a.yaml", diagnostics);
  CHECK_THAT(diagnostics.format(), Catch::Contains("include cycle"));
  Diagnostics missing;
  load_site(GREENLIGHT_FIXTURES_DIR "/config/nosuch.yaml", missing);
  CHECK_THAT(missing.format(), Catch::Contains("cannot read"));
}

TEST_CASE("durations read as an operator writes them") {
  CHECK(parse_duration("250ms") == std::chrono::milliseconds(250));
  CHECK(parse_duration("30s") == std::chrono::seconds(30));
  CHECK(parse_duration("1h30m") == std::chrono::minutes(90));
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("5 s"));
}

TEST_CASE("the control socket of greenlight serve: default, relative path, group, bad values") {
  Diagnostics diagnostics;
  Site defaults = site_from("site: x\n", diagnostics);
  CHECK(defaults.control_socket == "/run/greenlight/control.sock");
  CHECK(defaults.control_group.empty());
  Site site = read_site(load_yaml_text("runbooks: {control: run/control.sock, control_group: ops}\n",
                                       "/etc/greenlight/site.yaml", diagnostics),
                        "/etc/greenlight/site.yaml", diagnostics);
  INFO(diagnostics.format());
  REQUIRE(diagnostics.ok());
  CHECK(site.control_socket == "/etc/greenlight/run/control.sock");
  CHECK(site.control_group == "ops");
  const std::string long_path = "/" + std::string(120, 'x');
  CHECK(errors_of("runbooks: {control: " + long_path + "}\n") ==
        "site.yaml:1:21: error: runbooks: control: the socket path " + long_path +
            " is 121 bytes long; a Unix socket path is at most 107\n");
  CHECK(errors_of("runbooks: {control: /run/greenlight/}\n") ==
        "site.yaml:1:21: error: runbooks: control: expected the socket's file path\n");
  CHECK(errors_of("runbooks: {control_group: 'a b'}\n") ==
        "site.yaml:1:27: error: runbooks: control_group: 'a b' is not a group name\n");
}

TEST_CASE("a BMC password on the power command line is refused, -E and -f are not") {
  const std::string with_p =
      errors_of("power: {command: 'ipmitool -I lanplus -H {bmc} -U admin -P s3cret chassis power "
                "{action}'}\n");
  CHECK_THAT(with_p, Catch::Contains("site.yaml:1:18") &&
                         Catch::Contains("ipmitool's -P puts the BMC password on the command line") &&
                         Catch::Contains("use -E"));
  CHECK_THAT(errors_of("power: {command: 'ipmitool -H {bmc} -Ps3cret chassis power {action}'}\n"),
             Catch::Contains("ipmitool's -P"));
  // By its path, bundled with another flag, quoted in sh -c, FreeIPMI's -p,
  // --password of any program, the password set in the command for -E:
  // each would be on the command line all the same.
  for (const char* command :
       {"/usr/bin/ipmitool -H {bmc} -U admin -P s3cret chassis power {action}",
        "ipmitool -H {bmc} -U admin -EP s3cret chassis power {action}",
        "ipmitool -H {bmc} -vP s3cret chassis power {action}",
        "sudo ipmitool -H {bmc} -P s3cret chassis power {action}",
        "sh -c 'ipmitool -H {bmc} -P s3cret chassis power {action}'",
        "ipmi-power -h {bmc} -u admin -p s3cret --{action}",
        "ipmipower -h {bmc} -u admin -p s3cret --{action}",
        "ipmi-power -h {bmc} -u admin --password=s3cret --{action}",
        "bmc-power {bmc} --password s3cret {action}",
        "IPMI_PASSWORD=s3cret ipmitool -H {bmc} -E chassis power {action}",
        "env IPMI_PASSWORD=s3cret ipmitool -E -H {bmc} power {action}",
        "export IPMI_PASSWORD=s3cret; ipmitool -E -H {bmc} power {action}"}) {
    INFO(command);
    CHECK_THAT(errors_of(fmt::format("power: {{command: \"{}\"}}\n", command)),
               Catch::Contains("puts the BMC password on the command line"));
  }
  // A command wrapped over lines, as a `|` block writes it.
  CHECK_THAT(errors_of("power:\n  command: |\n    ipmitool -I lanplus -H {bmc} -U admin \\\n"
                       "      -P s3cret chassis power {action}\n"),
             Catch::Contains("site.yaml:2:12") && Catch::Contains("ipmitool's -P"));
  // ipmitool's -p is its port; FreeIPMI's -P asks for the password.
  CHECK(errors_of("power: {command: 'ipmitool -I lanplus -H {bmc} -p 623 -U admin -E chassis "
                  "power {action}'}\n")
            .empty());
  CHECK(errors_of("power: {command: '/usr/sbin/ipmi-power -h {bmc} -u admin -P --{action}'}\n")
            .empty());
  CHECK_THAT(errors_of("power: {command: ''}\n"), Catch::Contains("power: command: is empty"));
  CHECK(errors_of("power: {command: 'ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power "
                  "{action}'}\n")
            .empty());
  CHECK(errors_of("power: {command: 'ipmitool -H {bmc} -U admin -f /etc/greenlight/bmc.pass "
                  "chassis power {action}'}\n")
            .empty());
}

// A duration past a year overflowed the clocks' arithmetic: a step with
// `timeout: 99999999h` was killed 1 ms after it started. Refused at load.
TEST_CASE("a duration longer than the longest is refused at its place, not wrapped") {
  CHECK(parse_duration("8760h") == kMaxDuration);
  CHECK_FALSE(parse_duration("8761h"));
  CHECK_FALSE(parse_duration("99999999h"));
  CHECK_FALSE(parse_duration("9223372036854775807ms"));
  CHECK(parse_duration("1h30m") == std::chrono::minutes(90));
  const std::string errors = errors_of(
      "site: t\nhosts:\n  a: {self: true}\nchecks:\n  c: {kind: command, command: [true], "
      "timeout: 99999999h}\n");
  CHECK_THAT(errors, Catch::Contains("site.yaml:5:"));
  CHECK_THAT(errors, Catch::Contains("timeout: 99999999h is longer than 8760h, the longest a "
                                     "duration may be"));
}
