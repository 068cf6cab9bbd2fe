// The environment of a check's commands, run for real on this host: the
// BMC password of greenlight's environment (IPMI_PASSWORD) reaches only the
// power kind and the checks that name it in `pass_environment`; the rest of
// greenlight's environment reaches every check.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "support/check_harness.h"

using namespace greenlight;

namespace {

constexpr const char* kSecret = "Gl-s3cr3t-check";

// Sets IPMI_PASSWORD (and an ordinary variable) for the test's length.
struct SecretInEnvironment {
  SecretInEnvironment() {
    ::setenv("IPMI_PASSWORD", kSecret, 1);
    ::setenv("GREENLIGHT_TEST_PLAIN", "plain", 1);
  }
  ~SecretInEnvironment() {
    ::unsetenv("IPMI_PASSWORD");
    ::unsetenv("GREENLIGHT_TEST_PLAIN");
  }
};

struct Harness {
  config::Diagnostics diagnostics;
  config::Site site;
  asio::io_context io;
  LocalRunner runner{io};

  explicit Harness(const std::string& text) {
    site = checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                             diagnostics);
  }

  checks::CheckResult run(const std::string& name) {
    return testing::run_site_check(site, diagnostics, runner, io, name, Endpoint{"here", "", 22, "", true}, std::chrono::seconds(10));
  }
};

// A command that prints what it sees of the secret and exits 0 only when it
// sees `expected` ("unset": the variable is not there at all).
std::string printing(const std::string& expected) {
  return fmt::format(
      "[sh, -c, 'echo \"IPMI_PASSWORD=${{IPMI_PASSWORD-unset}}\"; "
      "test \"${{IPMI_PASSWORD-unset}}\" = {} && test \"$GREENLIGHT_TEST_PLAIN\" = plain']",
      expected);
}

}  // namespace

TEST_CASE("a command or nagios check does not get IPMI_PASSWORD unless it names it") {
  SecretInEnvironment secret;
  Harness h(fmt::format(
      "hosts:\n  here: {{self: true}}\nchecks:\n"
      "  blind: {{kind: command, command: {0}}}\n"
      "  blind-plugin: {{kind: nagios, command: {0}}}\n"
      "  passed: {{kind: command, command: {1}, pass_environment: [IPMI_PASSWORD]}}\n"
      "  passed-plugin: {{kind: nagios, command: {1}, pass_environment: [IPMI_PASSWORD]}}\n",
      printing("unset"), printing(kSecret)));
  INFO(h.diagnostics.format());
  REQUIRE(h.diagnostics.ok());
  for (const char* name : {"blind", "blind-plugin", "passed", "passed-plugin"}) {
    const auto result = h.run(name);
    INFO(name << ": " << result.message);
    CHECK(result.status == checks::Status::ok);
  }
  // The same commands the other way round fail: the test tells them apart.
  Harness crossed(
      fmt::format("hosts:\n  here: {{self: true}}\nchecks:\n"
                  "  blind: {{kind: command, command: {0}, pass_environment: [IPMI_PASSWORD]}}\n"
                  "  passed: {{kind: command, command: {1}}}\n",
                  printing("unset"), printing(kSecret)));
  REQUIRE(crossed.diagnostics.ok());
  CHECK(crossed.run("blind").status != checks::Status::ok);
  const auto passed = crossed.run("passed");
  CHECK(passed.status != checks::Status::ok);
  CHECK_THAT(passed.message, Catch::Contains("IPMI_PASSWORD=unset"));
}

TEST_CASE("the power kind's command gets IPMI_PASSWORD (ipmitool -E)") {
  SecretInEnvironment secret;
  Harness h(
      fmt::format("hosts:\n  here: {{self: true}}\n  node1: {{bmc: 10.9.0.1}}\n"
                  "power:\n  command: ': {{bmc}} {{action}}; test \"$IPMI_PASSWORD\" = {} && "
                  "echo Chassis Power is off'\n"
                  "checks:\n  off: {{kind: power, nodes: node1, expect: off, ping: false}}\n",
                  kSecret));
  INFO(h.diagnostics.format());
  REQUIRE(h.diagnostics.ok());
  const auto result = h.run("off");
  INFO(result.message);
  CHECK(result.status == checks::Status::ok);
}

TEST_CASE("pass_environment names greenlight's secrets only") {
  Harness h(
      "hosts:\n  here: {self: true}\nchecks:\n"
      "  path: {kind: command, command: [\"true\"], pass_environment: [IPMI_PASSWORD, PATH]}\n");
  CHECK_FALSE(h.diagnostics.ok());
  CHECK_THAT(h.diagnostics.format(),
             Catch::Contains("site.yaml:4:") &&
                 Catch::Contains("check 'path': pass_environment: 'PATH' is not one of "
                                 "greenlight's secrets (IPMI_PASSWORD)"));
  Harness scalar(
      "hosts:\n  here: {self: true}\nchecks:\n"
      "  one: {kind: command, command: [\"true\"], pass_environment: {a: b}}\n");
  CHECK_FALSE(scalar.diagnostics.ok());
  CHECK_THAT(scalar.diagnostics.format(), Catch::Contains("pass_environment"));
}
