// The registry of check kinds (checks/include/greenlight/checks/check_kind.h):
// the one place a kind is named, asked by the site reader, make_check and
// the dynamic group sources.
#include "greenlight/checks/check_kind.h"

#include <catch2/catch.hpp>

#include <set>

#include "greenlight/core/config.h"

using namespace greenlight;

namespace {

config::Site site_of(const std::string& text, config::Diagnostics& diagnostics,
                     const config::CheckKindCatalogue* kinds = nullptr) {
  const auto root = config::load_yaml_text(text, "site.yaml", diagnostics);
  return kinds ? config::read_site(root, "site.yaml", diagnostics, *kinds)
               : checks::read_site(root, "site.yaml", diagnostics);
}

constexpr const char* kFleet =
    "hosts: {top1: {self: true}}\n"
    "checks:\n"
    "  vms: {kind: fleet_units, vms: top1}\n"
    "  islands: {kind: fleet_units, vms: top1, group_source: island}\n"
    "  ping: {kind: fping, targets: top1}\n";

}  // namespace

TEST_CASE("every registered kind has a name of its own and a builder") {
  std::set<std::string> names;
  for (const auto& kind : checks::check_kinds()) {
    INFO(kind.name);
    CHECK(kind.build != nullptr);
    CHECK(names.insert(std::string(kind.name)).second);
    CHECK(checks::find_check_kind(kind.name) == &kind);
  }
  CHECK(names.size() == 12);
  CHECK(checks::find_check_kind("gluster_heals") == nullptr);
  // Only power's commands keep the site's secrets (its power command runs
  // ipmitool -E); only the fleet check feeds a group source.
  for (const auto& kind : checks::check_kinds()) {
    INFO(kind.name);
    CHECK(kind.keeps_secrets == (kind.name == "power"));
    CHECK(kind.feeds.empty() == (kind.name != "fleet_units"));
  }
}

TEST_CASE("the site reader knows no kind of its own: it asks the catalogue it is given") {
  config::Diagnostics none_known;
  const config::CheckKindCatalogue empty;
  site_of(kFleet, none_known, &empty);
  CHECK_FALSE(none_known.ok());
  CHECK_THAT(none_known.format(), Catch::Contains("site.yaml:3:") &&
                                      Catch::Contains("fleet_units"));

  config::Diagnostics diagnostics;
  const auto site = site_of(kFleet, diagnostics);
  INFO(diagnostics.format());
  CHECK(diagnostics.ok());
  // The sources the fleet checks feed, declared at load, in their order.
  CHECK(site.dynamic_sources == std::vector<std::string>{"vm", "island"});
  auto groups = site.group_resolver();
  CHECK(groups->source("vm") != nullptr);
  CHECK(groups->source("island") != nullptr);
}

TEST_CASE("a kind the registry does not know is refused at its position, naming the kinds") {
  config::Diagnostics diagnostics;
  site_of("checks:\n  x: {kind: gluster_heals}\n", diagnostics);
  CHECK_THAT(diagnostics.format(), Catch::Contains("site.yaml:2:") &&
                                       Catch::Contains("gluster_heals") &&
                                       Catch::Contains("gluster_heal"));
}

TEST_CASE("group_feed: the source a check's results feed, and the fact it reads") {
  config::Diagnostics diagnostics;
  const auto site = site_of(kFleet, diagnostics);
  REQUIRE(site.checks.size() == 3);
  const auto vms = checks::group_feed(site.checks[0]);
  REQUIRE(vms);
  CHECK(vms->source == "vm");
  CHECK(vms->fact == "vm");
  const auto islands = checks::group_feed(site.checks[1]);
  REQUIRE(islands);
  CHECK(islands->source == "island");
  CHECK(islands->fact == "vm");
  CHECK_FALSE(checks::group_feed(site.checks[2]));
}

TEST_CASE("a check of an unknown kind built all the same says so, never OK") {
  config::Diagnostics diagnostics;
  config::Site site;
  config::CheckSpec spec;
  spec.name = "odd";
  spec.kind = "nosuch";
  spec.host = "self";
  const auto groups = site.group_resolver();
  const auto check = checks::make_check(spec, site, *groups, diagnostics);
  REQUIRE(check);
  CHECK(check->commands().empty());
  const auto result = check->judge({});
  CHECK(result.status == checks::Status::unknown);
  CHECK_THAT(result.message, Catch::Contains("'nosuch' is not a check kind"));
}
