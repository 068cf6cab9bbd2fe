// Name resolution timing: the script's output parsed (captured with glibc
// 2.36's getent against a resolver that answered late, then not at all) and
// judged per host and name, naming the slow source.
#include "greenlight/checks/name_resolution.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "greenlight/checks/commands.h"
#include "greenlight/core/process.h"
#include "support/read_file.h"
#include "support/runbook_fakes.h"

using namespace greenlight::checks;

namespace {

NameResolutionReport fixture(const char* file) {
  auto parsed = parse_name_resolution(
      greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/dns/" + file));
  REQUIRE(parsed.ok());
  return *parsed;
}

const NameResolutionLimits kLimits{250, 1000, 3000};

double sample(const CheckResult& r, const std::string& host, const std::string& name,
              const std::string& source) {
  for (const auto& s : r.samples) {
    if (s.name == "greenlight_name_resolution_seconds" &&
        s.labels == decltype(s.labels){{"host", host}, {"name", name}, {"source", source}})
      return s.value;
  }
  return -1;
}

}  // namespace

TEST_CASE("name resolution script: getaddrinfo per source, every name quoted, dns when slow") {
  const auto script = name_resolution_script({"top1", "a b"}, 250, 3000);
  CHECK_THAT(script, Catch::StartsWith("bash -c 'set -f; l() { s=$EPOCHREALTIME;"));
  CHECK_THAT(script, Catch::Contains("timeout -k 1 $3 getent $4 ahosts \"$1\""));
  CHECK_THAT(script, Catch::Contains("q nss '\\'''\\'' top1 '\\''a b'\\''"));
  CHECK_THAT(script, Catch::Contains("q files '\\''-s hosts:files'\\'' top1 '\\''a b'\\''"));
  CHECK_THAT(script, Catch::Contains("[ \"$u\" -ge 250000 ]"));
  CHECK_THAT(script, Catch::Contains("[ $((e-b+u+200000)) -le 3000000 ]"));
  CHECK_THAT(script, Catch::Contains("l \"$n\" dns 3.000 '\\''-s hosts:dns'\\''"));
  CHECK_THAT(name_resolution_script({"a"}, 250, 3000, {"/opt/my getent"}),
             Catch::Contains("'\\''/opt/my getent'\\'' $4 ahosts"));
}

// The script run by bash with a stand-in for getent (the integration test
// name_resolution_test.sh runs it against a real resolver made slow): a
// lookup slowed once, as on a host whose CPUs are busy with the other
// lookups, is timed again and counted by its faster time; a lookup slow
// every time, as behind a resolver timeout, stays slow.
TEST_CASE("name resolution script: a lookup slow once is timed again, one slow every time stays slow") {
  const greenlight::testing::TempDir dir;
  const auto getent = dir.path / "getent";
  {
    std::ofstream out(getent);
    out << "#!/bin/bash\n"
           "name=${@: -1}; [ \"$1\" = -s ] && [ \"$2\" = hosts:files ] && { echo \"10.0.0.1 STREAM $name\"; exit 0; }\n"
           "if [ \"$name\" = always ]; then sleep 0.7; elif [ ! -e \"$0.$name\" ]; then : >\"$0.$name\"; sleep 0.7; fi\n"
           "echo \"10.0.0.1 STREAM $name\"\n";
  }
  std::filesystem::permissions(getent, std::filesystem::perms::owner_all);
  greenlight::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c",
               name_resolution_script({"once", "always"}, 300, 3000, {getent.string()})};
  spec.timeout = std::chrono::seconds(20);
  const auto run = greenlight::run_process(spec);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const auto parsed = parse_name_resolution(run.out);
  REQUIRE(parsed.ok());
  std::map<std::string, const NameLookup*> by;
  for (const auto& lookup : parsed->lookups) by[lookup.name + " " + lookup.source] = &lookup;
  REQUIRE(by.count("once nss") == 1);
  CHECK(by["once nss"]->ms < 300);  // the retry's time, the first took 700 ms
  CHECK(by["once nss"]->address == "10.0.0.1");
  CHECK(by.count("once dns") == 0);  // fast in the end: dns is not asked
  REQUIRE(by.count("always nss") == 1);
  CHECK(by["always nss"]->ms >= 700);  // the first time: the retry was cut at it
  CHECK(by["always nss"]->exit_status == 0);
  CHECK(by["always nss"]->address == "10.0.0.1");
  CHECK(by.count("always dns") == 1);
  CHECK(by.count("always files") == 1);
  CHECK(by.count("once files") == 1);
  const auto verdict = name_resolution_verdict(
      {"once", "always"}, {{"top1", *parsed, {}}}, NameResolutionLimits{300, 600, 3000});
  CHECK(verdict.status == Status::critical);
  CHECK_THAT(verdict.message, Catch::StartsWith("always slow through dns on top1"));
}

TEST_CASE("name resolution output: captured lines read, garbage refused with its line") {
  const auto slow = fixture("name_resolution_slow_dns.txt");
  CHECK(slow.hosts_line == "hosts: files dns");
  REQUIRE(slow.lookups.size() == 8);
  CHECK(slow.lookups[0].name == "gltop1");
  CHECK(slow.lookups[0].source == "nss");
  CHECK(slow.lookups[0].ms == Approx(20.264));
  CHECK(slow.lookups[0].address == "10.1.0.1");
  CHECK(slow.lookups[3].exit_status == 2);
  CHECK(slow.lookups[3].address.empty());

  CHECK(parse_name_resolution("").ok());
  CHECK_THAT(parse_name_resolution("nsswitch hosts: files\nWelcome to top1\n").error().reason,
             Catch::Contains("line 2: not a lookup line: 'Welcome to top1'"));
  CHECK_THAT(parse_name_resolution("resolve top1 mdns 12 0 10.1.0.1\n").error().reason,
             Catch::Contains("unknown source"));
  CHECK_THAT(parse_name_resolution("resolve top1 nss 12%N 0 10.1.0.1\n").error().reason,
             Catch::Contains("not a time in microseconds"));
  CHECK_THAT(parse_name_resolution("resolve top1 nss 12 -1\n").error().reason,
             Catch::Contains("not an exit status"));
  CHECK_THAT(parse_name_resolution("resolve top1 nss\n").error().reason,
             Catch::Contains("5 or 6 fields"));
  CHECK_FALSE(parse_name_resolution(std::string("\0\xff\n", 3)).ok());
}

TEST_CASE("name resolution verdict: everything fast is ok and says the slowest") {
  NameResolutionReport fast;
  fast.lookups = {{"top2", "nss", 12, 0, "10.1.0.2"}, {"top2", "files", 8, 0, "10.1.0.2"}};
  const auto r = name_resolution_verdict({"top2"}, {{"top1", fast, {}}}, kLimits);
  CHECK(r.status == Status::ok);
  CHECK(r.message == "1 name resolved on 1 host in under 250 ms (slowest top2 on top1: 12 ms)");
  CHECK(*r.fact("name_resolution", "top1 top2") == "ok");
  CHECK(sample(r, "top1", "top2", "nss") == Approx(0.012));
  CHECK(sample(r, "top1", "top2", "dns") == -1);  // not asked: nothing to say
}

TEST_CASE("name resolution verdict: a slow dns is named with the names and the host") {
  const auto r = name_resolution_verdict({"gltop1", "gltop2"},
                                         {{"top1", fixture("name_resolution_slow_dns.txt"), {}}},
                                         NameResolutionLimits{250, 400, 3000});
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("gltop2 slow through dns on top1 (worst 437 ms, "
                                        "critical at 400 ms)"));
  CHECK_THAT(r.message, !Catch::Contains("gltop1"));  // in the hosts file: fast
  CHECK(*r.fact("name_resolution", "top1 gltop1") == "ok");
  CHECK(*r.fact("name_resolution", "top1 gltop2") == "slow");
  CHECK(*r.fact("name_resolution_slow", "top1 gltop2") == "dns");
  CHECK(sample(r, "top1", "gltop2", "dns") == Approx(0.427216));
  // Under the critical threshold: a warning.
  const auto w =
      name_resolution_verdict({"gltop2"}, {{"top1", fixture("name_resolution_slow_dns.txt"), {}}},
                              NameResolutionLimits{250, 1000, 3000});
  CHECK(w.status == Status::warning);
  CHECK_THAT(w.message, Catch::Contains("warning at 250 ms"));
}

TEST_CASE("name resolution verdict: a silent resolver, names not resolving, dns named") {
  const auto r = name_resolution_verdict({"gltop1", "gltop2", "nosuch"},
                                         {{"top1", fixture("name_resolution_silent_dns.txt"), {}},
                                          {"top2", fixture("name_resolution_silent_dns.txt"), {}}},
                                         kLimits);
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message,
             Catch::Contains("gltop2, nosuch unresolved on top1, top2 (dns slow, worst 1.05 s)"));
  CHECK(*r.fact("name_resolution", "top2 nosuch") == "unresolved");
  CHECK(*r.fact("name_resolution", "top2 gltop1") == "ok");
  for (const auto& s : r.samples) {
    if (s.name == "greenlight_name_resolution_success" && s.labels[1].second == "gltop2")
      CHECK(s.value == 0);
  }
  // One name on one host: its sources' outcomes too.
  const auto one = name_resolution_verdict(
      {"gltop2"}, {{"top1", fixture("name_resolution_silent_dns.txt"), {}}}, kLimits);
  CHECK_THAT(one.message, Catch::Contains("gltop2 unresolved on top1 (dns slow, worst 1.05 s; "
                                          "files 10 ms, not found; dns 1.05 s, not found)"));
}

TEST_CASE("name resolution verdict: a slow hosts file is files, neither alone is the path") {
  NameResolutionReport report;
  report.lookups = {{"top2", "nss", 1500, 0, "10.1.0.2"}, {"top2", "files", 1450, 0, "10.1.0.2"},
                    {"top2", "dns", 5, 0, "10.1.0.2"},    {"top3", "nss", 600, 0, "10.1.0.3"},
                    {"top3", "files", 3, 0, "10.1.0.3"},  {"top3", "dns", 4, 0, "10.1.0.3"},
                    {"top4", "nss", 3001, 124, ""},       {"top4", "files", 2, 2, ""},
                    {"top4", "dns", 3001, 124, ""}};
  const auto r =
      name_resolution_verdict({"top2", "top3", "top4"}, {{"worker01", report, {}}}, kLimits);
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("top2 slow through files on worker01 (worst 1.5 s"));
  CHECK_THAT(r.message, Catch::Contains("top3 slow through the NSS path on worker01"));
  CHECK_THAT(r.message, Catch::Contains("top4 timed out after 3 s on worker01 (dns slow"));
  CHECK(*r.fact("name_resolution", "worker01 top4") == "timeout");
  CHECK(*r.fact("name_resolution_slow", "worker01 top2") == "files");
}

TEST_CASE("name resolution verdict: what was not measured is unknown, never ok") {
  NameResolutionReport partial;
  partial.lookups = {
      {"top2", "nss", 3, 0, "10.1.0.2"}, {"top3", "nss", 3, 127, ""}, {"top5", "nss", 3, 0, ""}};
  const auto r = name_resolution_verdict(
      {"top2", "top3", "top4", "top5"},
      {{"top1", partial, {}}, {"worker01", {}, "ssh: connection refused (error)"}}, kLimits);
  CHECK(r.status == Status::unknown);
  CHECK_THAT(r.message, Catch::Contains("name resolution on worker01 not measured: ssh: "
                                        "connection refused"));
  CHECK_THAT(r.message, Catch::Contains("no timing of top4 on top1"));
  CHECK_THAT(r.message, Catch::Contains("lookup of top3 on top1 did not run: exit 127 (getent or "
                                        "timeout not found)"));
  CHECK_THAT(r.message, Catch::Contains("getent found top5 on top1 but printed no address"));
  CHECK(*r.fact("name_resolution", "top1 top2") == "ok");
  CHECK(*r.fact("name_resolution", "top1 top4") == "unanswered");
  CHECK(*r.fact("name_resolution", "worker01 top2") == "unanswered");
  CHECK(name_resolution_verdict({}, {{"top1", partial, {}}}, kLimits).status == Status::unknown);
  CHECK(name_resolution_verdict({"top2"}, {}, kLimits).status == Status::unknown);
}
