#include "greenlight/runbook/command_template.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "greenlight/core/clustershell_groups.h"

using greenlight::GroupResolver;
using greenlight::StaticGroupSource;
using greenlight::runbook::CommandTemplate;
using greenlight::runbook::shell_quote;
using greenlight::runbook::TemplateError;

namespace {

using Groups = std::map<std::string, std::string, std::less<>>;

std::unique_ptr<GroupResolver> ocean() {
  auto resolver = std::make_unique<GroupResolver>();
  resolver->add_source("local", std::make_shared<StaticGroupSource>(
                                    Groups{{"top", "top[1-3]"}, {"worker", "worker[1-4]"}}));
  resolver->add_source("vm", std::make_shared<StaticGroupSource>(
                                 Groups{{"running", "admin[1-2],batch[1-3],auto1,ns[1-3]"},
                                        {"dead", ""},
                                        {"evil", "admin1,x;reboot"}}));
  return resolver;
}

std::size_t error_offset(std::string_view text) {
  try {
    CommandTemplate::parse(text);
  } catch (const TemplateError& error) {
    return error.offset();
  }
  FAIL("no error for: " << text);
  return 0;
}

}  // namespace

TEST_CASE("the procedure's fleetctl stop renders every VM but DNS as quoted unit names") {
  auto resolver = ocean();
  auto command = CommandTemplate::parse(
      R"(fleetctl stop --no-block {{ nodes("@vm:running", exclude="ns[1-3]", format="pcocc-vm-%s.service") }})");
  auto rendered = command.render(*resolver);
  CHECK(rendered.text ==
        "fleetctl stop --no-block pcocc-vm-admin1.service pcocc-vm-admin2.service "
        "pcocc-vm-auto1.service pcocc-vm-batch1.service pcocc-vm-batch2.service "
        "pcocc-vm-batch3.service");
  CHECK_FALSE(rendered.has_empty_expansion);
  CHECK(command.node_expressions() == std::vector<std::string>{"@vm:running -x ns[1-3]"});
}

TEST_CASE("fold() gives one quoted word, as clush -w expects") {
  auto resolver = ocean();
  auto rendered =
      CommandTemplate::parse("clush -bw {{ fold('@top,@worker', exclude='top1') }} poweroff")
          .render(*resolver);
  CHECK(rendered.text == "clush -bw 'top[2-3],worker[1-4]' poweroff");
}

TEST_CASE("an empty expansion renders nothing and is flagged") {
  auto resolver = ocean();
  auto rendered =
      CommandTemplate::parse("fleetctl start {{ nodes('@vm:dead') }}").render(*resolver);
  CHECK(rendered.text == "fleetctl start ");
  CHECK(rendered.has_empty_expansion);
}

TEST_CASE("a name that is not a plain host or unit name is refused, never rendered") {
  auto resolver = ocean();
  auto command = CommandTemplate::parse("fleetctl stop {{ nodes('@vm:evil') }}");
  CHECK_THROWS_WITH(
      command.render(*resolver),
      Catch::Contains("'x;reboot'") && Catch::Contains("not a plain host or unit name"));
}

TEST_CASE("an unknown group is an error at the substitution's offset") {
  auto resolver = ocean();
  auto command = CommandTemplate::parse("echo {{ nodes('@nosuch') }}");
  try {
    command.render(*resolver);
    FAIL("rendered an unknown group");
  } catch (const TemplateError& error) {
    CHECK(error.offset() == 5);
    CHECK_THAT(error.what(), Catch::Contains("@nosuch"));
  }
}

TEST_CASE("malformed substitutions are reported at the offset of the problem") {
  CHECK(error_offset("echo {{ node('a') }}") == 8);                // unknown function
  CHECK(error_offset("echo {{ nodes(a) }}") == 14);                // not a string
  CHECK(error_offset("echo {{ nodes('a) }}") == 14);               // unterminated string
  CHECK(error_offset("echo {{ nodes('a') ") == 19);                // no closing braces
  CHECK(error_offset("echo {{ nodes('a', colour='x') }}") == 19);  // unknown argument
  CHECK(error_offset("echo {{ fold('a', format='%s') }}") == 18);  // fold has no format
  CHECK(error_offset("echo {{ nodes('a', format='%d') }}") == 19);
  CHECK(error_offset("echo {{ nodes('a', format='x') }}") == 19);
  CHECK(error_offset("echo {{ nodes('a', exclude='b', exclude='c') }}") == 32);
}

TEST_CASE("text outside substitutions is kept verbatim") {
  auto resolver = ocean();
  CHECK(CommandTemplate::parse("umount -a -t fuse.glusterfs").render(*resolver).text ==
        "umount -a -t fuse.glusterfs");
  CHECK(CommandTemplate::parse("").render(*resolver).text.empty());
}

TEST_CASE("shell_quote leaves safe words alone and single-quotes the rest") {
  CHECK(shell_quote("pcocc-vm-admin1.service") == "pcocc-vm-admin1.service");
  CHECK(shell_quote("top[1-3]") == "'top[1-3]'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(reboot)") == "'$(reboot)'");
}
