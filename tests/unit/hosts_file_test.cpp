// The critical records in the hosts files: the lookup script's output parsed
// (as `getent -s hosts:files hosts NAME` prints it, captured on this
// machine's glibc 2.36) and judged per host.
#include <catch2/catch.hpp>

#include "greenlight/checks/commands.h"
#include "greenlight/checks/dns.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {

std::vector<AddressRecord> records() {
  AddressRecord top1{"top1", "adm", "10.1.0.1", true, true, {"top1", "top1-adm"}};
  AddressRecord w2{"worker02", "adm", "10.1.1.2", true, true, {"worker02", "worker02-adm"}};
  return {top1, w2};
}

const char* kGood =
    "== top1\n10.1.0.1        top1 top1-adm\n== rc 0\n"
    "== top1-adm\n10.1.0.1        top1 top1-adm\n== rc 0\n"
    "== worker02\n10.1.1.2        worker02 worker02-adm\n== rc 0\n"
    "== worker02-adm\n10.1.1.2        worker02 worker02-adm\n== rc 0\n";

}  // namespace

TEST_CASE("hosts file lookups: one getent per name, files only, each name quoted") {
  const auto script = hosts_file_lookup_script({"top1", "top1-adm"});
  CHECK(
      script ==
      R"(for n in top1 top1-adm; do echo "== $n"; getent -s hosts:files hosts "$n"; echo "== rc $?"; done)");
  CHECK_THAT(hosts_file_lookup_script({"a"}, {"/opt/my getent"}),
             Catch::Contains("'/opt/my getent' -s"));
}

TEST_CASE("hosts file lookups: glibc's getent output, captured, read name by name") {
  const auto parsed = parse_hosts_file_lookups(greenlight::test::read_file(
      std::string(GREENLIGHT_FIXTURES_DIR) + "/dns/hosts_file_lookups.txt"));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 4);
  CHECK(parsed->at(0).addresses == std::vector<std::string>{"10.1.0.1"});
  // Two lines for top1-adm in the file: both addresses.
  CHECK(parsed->at(1).addresses == std::vector<std::string>{"10.1.0.1", "10.9.9.9"});
  CHECK(parsed->at(3).name == "top2");
  CHECK(parsed->at(3).exit_status == 2);
  CHECK(parsed->at(3).addresses.empty());
}

TEST_CASE("hosts file lookups: parsed per name, malformed output refused with its line") {
  auto parsed = parse_hosts_file_lookups(
      "== top1\n10.1.0.1        top1 top1-adm\n10.9.9.9        top1 top1-adm\n== rc 0\n"
      "== nosuch\n== rc 2\n");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK(parsed->at(0).addresses == std::vector<std::string>{"10.1.0.1", "10.9.9.9"});
  CHECK(parsed->at(1).exit_status == 2);
  CHECK_THAT(parse_hosts_file_lookups("10.1.0.1 top1\n").error().reason,
             Catch::Contains("line 1: a line outside a lookup"));
  CHECK_THAT(parse_hosts_file_lookups("== top1\n").error().reason,
             Catch::Contains("top1 has no status"));
  CHECK_THAT(parse_hosts_file_lookups("== top1\n== rc x\n").error().reason,
             Catch::Contains("line 2: not a status"));
}

TEST_CASE("hosts files: every host holds every critical name, or the host and name are named") {
  auto good = *parse_hosts_file_lookups(kGood);
  const auto ok = hosts_files_verdict(records(), {{"top1", good, {}}, {"worker02", good, {}}});
  CHECK(ok.green());
  CHECK(ok.message == "all 4 critical names in the hosts files of top1, worker02");

  std::string without = kGood;
  without.replace(without.find("== top1-adm\n10.1.0.1        top1 top1-adm\n== rc 0\n"),
                  std::string("== top1-adm\n10.1.0.1        top1 top1-adm\n== rc 0\n").size(),
                  "== top1-adm\n== rc 2\n");
  const auto missing = hosts_files_verdict(
      records(), {{"top1", good, {}}, {"worker02", *parse_hosts_file_lookups(without), {}}});
  CHECK(missing.status == Status::critical);
  CHECK(missing.message == "top1-adm not in the hosts file of worker02");
  CHECK(*missing.fact("dns_hosts_file", "worker02 top1-adm") == "missing");
  CHECK(*missing.fact("dns_hosts_file", "top1 top1-adm") == "ok");

  auto wrong = good;
  wrong[0].addresses = {"10.9.9.9"};
  const auto bad = hosts_files_verdict(records(), {{"worker02", wrong, {}}});
  CHECK(bad.status == Status::critical);
  CHECK(bad.message == "top1 is 10.9.9.9 in the hosts file of worker02, expected 10.1.0.1");

  // More hosts at fault than a message lists: the rest are still named.
  const std::vector<HostsLookup> none = {
      {"top1", 2, {}}, {"top1-adm", 2, {}}, {"worker02", 2, {}}, {"worker02-adm", 2, {}}};
  std::vector<HostsFileAnswers> six;
  for (const char* host : {"w1", "w2", "w3", "w4", "w5", "w6"}) six.push_back({host, none, {}});
  const auto many = hosts_files_verdict(records(), six);
  CHECK(many.status == Status::critical);
  CHECK_THAT(many.message, Catch::Contains("(+2 more: ") && Catch::Contains("of w5") &&
                               Catch::Contains("of w6"));
}

TEST_CASE(
    "hosts files: a host not read, a name not looked up, or getent that did not look is unknown") {
  auto good = *parse_hosts_file_lookups(kGood);
  const auto unread = hosts_files_verdict(
      records(), {{"top1", good, {}}, {"worker02", {}, "connection refused (refused)"}});
  CHECK(unread.status == Status::unknown);
  CHECK(unread.message == "hosts file of worker02 not read: connection refused (refused)");
  auto partial = good;
  partial.pop_back();
  partial[0].exit_status = 1;
  const auto r = hosts_files_verdict(records(), {{"worker02", partial, {}}});
  CHECK(r.status == Status::unknown);
  CHECK_THAT(r.message, Catch::Contains("lookup of top1 on worker02 did not look: getent exit 1"));
  CHECK_THAT(r.message, Catch::Contains("no lookup of worker02-adm on worker02"));
  CHECK(hosts_files_verdict(records(), {}).status == Status::unknown);
  CHECK(hosts_files_verdict({}, {{"worker02", good, {}}}).status == Status::unknown);
}
