// Names from dynamic group sources (an upcall's answer, the fleet check's
// facts) are refused before they enter a node set when they are not plain:
// shell metacharacters, node set syntax, blanks, a leading '-', control or
// non-ASCII bytes. Names from the operator's own files are not checked here.
#include <catch2/catch.hpp>
#include <memory>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/node_name.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/command_template.h"

using namespace greenlight;

namespace {

// A dynamic source answering what the test says (as an upcall would).
class Answers final : public GroupSource {
 public:
  explicit Answers(std::map<std::string, std::string, std::less<>> groups)
      : groups_(std::move(groups)) {}
  std::optional<std::string> map(std::string_view group) const override {
    auto it = groups_.find(group);
    if (it == groups_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> list() const override {
    std::vector<std::string> names;
    for (const auto& [name, nodes] : groups_) names.push_back(name);
    return names;
  }
  std::optional<std::string> all() const override { return std::nullopt; }
  bool dynamic() const override { return true; }

 private:
  std::map<std::string, std::string, std::less<>> groups_;
};

std::unique_ptr<GroupResolver> resolver_with(
    std::map<std::string, std::string, std::less<>> answers) {
  auto groups = std::make_unique<GroupResolver>();
  groups->add_source("site",
                     std::make_shared<StaticGroupSource>(
                         std::map<std::string, std::string, std::less<>>{{"top", "top[1-3]"}}));
  groups->add_source("evil", std::make_shared<Answers>(std::move(answers)));
  return groups;
}

std::string refusal(const std::string& text, const std::unique_ptr<GroupResolver>& groups) {
  try {
    NodeSet::parse(text, groups.get());
  } catch (const UnsafeNameError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a plain name is letters, digits, '.', '_', '-', starting with a letter or digit") {
  CHECK(is_plain_name("top1"));
  CHECK(is_plain_name("pcocc-vm_admin1.lab"));
  CHECK(why_not_plain("x;reboot") == "it holds ';'");
  CHECK(why_not_plain("$(reboot)") == "it holds '$'");
  CHECK(why_not_plain("a b") == "it holds a space");
  CHECK(why_not_plain("a\nb") == "it holds a newline");
  CHECK(why_not_plain("a\x1b[31m") == "it holds the control byte 0x1b");
  CHECK(why_not_plain("caf\xc3\xa9") == "it holds the non-ASCII byte 0xc3");
  CHECK(why_not_plain("-oProxyCommand") == "it starts with '-' (it would read as an option)");
  CHECK(why_not_plain(".hidden") == "it starts with '.', not a letter or digit");
  CHECK(why_not_plain("") == "it is empty");
}

TEST_CASE("a dynamic source's node names that are not plain are refused, named and escaped") {
  auto groups = resolver_with({{"semi", "x;touch CANARY"},
                               {"subst", "a$(touch${IFS}CANARY)"},
                               {"dash", "-oProxyCommand=touch"},
                               {"ctrl", "a\x1b[31mb"},
                               {"fine", "vm[1-2]"}});
  CHECK(NodeSet::parse("@evil:fine", groups.get()).fold() == "vm[1-2]");
  const std::string semi = refusal("@evil:semi", groups);
  CHECK_THAT(semi, Catch::StartsWith("group source \"evil\": refusing the node name 'x;touch"));
  CHECK_THAT(semi, Catch::Contains("it holds ';'"));
  CHECK_THAT(refusal("@evil:subst", groups), Catch::Contains("it holds '$'"));
  CHECK_THAT(refusal("@evil:dash", groups),
             Catch::Contains("'-oProxyCommand=touch'") && Catch::Contains("starts with '-'"));
  CHECK_THAT(refusal("@evil:ctrl", groups),
             Catch::Contains("'a\\x1b[31mb'") && Catch::Contains("control byte 0x1b"));
  // However the name is reached: all groups, a wildcard over the source.
  CHECK_THAT(refusal("@evil:*", groups), Catch::Contains("group source \"evil\": refusing"));
  groups->set_default("evil");
  CHECK_THAT(refusal("vm*", groups), Catch::Contains("group source \"evil\": refusing"));
}

TEST_CASE("a dynamic source's group names are refused before an upcall could get them") {
  // Listed group names go to the map upcall as $GROUP; so do groups named
  // inside an answer.
  const auto listed = resolver_with({{"g;:>CANARY", "node1"}});
  CHECK_THAT(refusal("@evil:*", listed), Catch::Contains("refusing the group name 'g;:>CANARY'"));
  CHECK_THAT(refusal("@@evil", listed), Catch::Contains("refusing the group name"));
  const auto nested =
      resolver_with({{"nested", "@evil:g;:>CANARY"}, {"ok", "@evil:fine"}, {"fine", "vm1"}});
  CHECK_THAT(refusal("@evil:nested", nested),
             Catch::Contains("refusing the group name 'g;:>CANARY'"));
  CHECK(NodeSet::parse("@evil:ok", nested.get()).fold() == "vm1");
}

TEST_CASE("the operator's own sources are not checked: the template refuses what they hold") {
  GroupResolver groups;
  groups.add_source("site", std::make_shared<StaticGroupSource>(
                                std::map<std::string, std::string, std::less<>>{{"odd", "x;y"}}));
  CHECK(NodeSet::parse("@odd", &groups).size() == 1);
  const auto command = runbook::CommandTemplate::parse("echo {{ nodes(\"@odd\") }}");
  CHECK_THROWS_WITH(command.render(groups), Catch::Contains("'x;y'") && Catch::Contains("';'"));
}

TEST_CASE("fleet unit names that would change meaning once folded are refused") {
  checks::FleetExpectation any;
  any.expect = checks::UnitExpectation::any;
  // "vm1,top1" would fold into two names: top1 would join @vm:running.
  const auto units = checks::parse_fleet_units(
      "pcocc-vm-admin1.service\tm/10.1.0.1\tactive\trunning\n"
      "pcocc-vm-admin2,top1.service\tm/10.1.0.1\tactive\trunning\n");
  REQUIRE(units.ok());
  const auto result = checks::fleet_units_verdict(*units, any, 0);
  const checks::FactGroupSource source(result, "vm", "fleet-units");
  CHECK_THROWS_AS(source.map("running"), UnsafeNameError);
  CHECK_THROWS_WITH(source.all(), Catch::StartsWith("the vm facts of check 'fleet-units': refusing "
                                                    "the vm name 'admin2,top1': it holds ','"));
  CHECK_THROWS_AS(source.list(), UnsafeNameError);
  GroupResolver groups;
  groups.add_source("vm", std::make_shared<checks::FactGroupSource>(result, "vm", "fleet-units"));
  const auto command =
      runbook::CommandTemplate::parse("fleetctl stop {{ nodes(\"@vm:running\") }}");
  CHECK_THROWS_WITH(command.render(groups), Catch::Contains("refusing the vm name 'admin2,top1'"));
}
