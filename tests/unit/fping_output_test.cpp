// fping 5.1 output (real captures) and the fping verdict.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/commands.h"
#include "greenlight/checks/fping.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/fping/" + name);
}
const PingTarget& find(const PingReport& r, const std::string& host) {
  for (const auto& t : r.targets)
    if (t.host == host) return t;
  FAIL("no target " << host);
  throw;
}
}  // namespace

TEST_CASE("fping -C 3 -q: samples, min/avg/max, lost probes") {
  const auto report = parse_fping(fixture("C3_tun_delay.txt"));
  REQUIRE(report.ok());
  REQUIRE(report->targets.size() == 5);
  const auto& slow = find(*report, "10.78.2.50");
  CHECK(slow.sent == 3);
  CHECK(slow.received == 3);
  CHECK(slow.min_ms == Approx(50.2));
  CHECK(slow.max_ms == Approx(50.3));
  CHECK(*slow.avg_ms == Approx((50.3 + 50.2 + 50.3) / 3));
  const auto& lost = find(*report, "10.78.0.2");
  CHECK_FALSE(lost.reachable());
  CHECK(lost.loss_percent() == Approx(100));
  CHECK(lost.rtts_ms.size() == 3);
  CHECK_FALSE(lost.rtts_ms[0].has_value());
  CHECK(find(*report, "10.78.2.200").avg_ms == Approx(200));
}

TEST_CASE("fping -c 3 -q summary lines, and the default alive/unreachable lines") {
  const auto c3 = parse_fping(fixture("c3_netns.txt"));
  REQUIRE(c3.ok());
  REQUIRE(c3->targets.size() == 2);
  CHECK(c3->targets[0].avg_ms == Approx(0.052));
  CHECK(c3->targets[1].sent == 3);
  CHECK(c3->targets[1].received == 0);
  CHECK_FALSE(c3->targets[1].avg_ms.has_value());

  const auto mixed = parse_fping(fixture("default_mixed.txt"));
  REQUIRE(mixed.ok());
  REQUIRE(mixed->targets.size() == 3);
  CHECK(find(*mixed, "127.0.0.1").reachable());
  CHECK_FALSE(find(*mixed, "10.78.0.2").reachable());

  const auto e = parse_fping(fixture("e.txt"));
  REQUIRE(e.ok());
  CHECK(e->targets.at(0).avg_ms == Approx(0.013));
}

TEST_CASE("fping: an unresolvable name is a target with the resolver's reason") {
  const auto report = parse_fping(fixture("name_unresolvable.txt"));
  REQUIRE(report.ok());
  REQUIRE(report->targets.size() == 1);
  CHECK(report->targets[0].host == "nosuchhost.invalid");
  CHECK_FALSE(report->targets[0].resolved);
  CHECK(report->targets[0].error == "Name or service not known");
}

TEST_CASE("fping: junk is a parse error, empty output an empty report") {
  CHECK_FALSE(parse_fping("segfault happened here\nand again\n").ok());
  const auto empty = parse_fping("");
  REQUIRE(empty.ok());
  CHECK(empty->targets.empty());
}

TEST_CASE("fping verdict: thresholds, unreachable and missing targets are named") {
  PingExpectation expect;
  expect.rtt_warning_ms = 10;
  expect.rtt_critical_ms = 100;
  const auto delayed = parse_fping(fixture("C3_tun_delay.txt"));
  REQUIRE(delayed.ok());
  const auto r = fping_verdict(*delayed, expect, 1);
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("10.78.0.2 unreachable"));
  CHECK_THAT(r.message, Catch::Contains("10.78.2.200 average RTT 200 ms >= 100 ms"));
  CHECK_THAT(r.message, Catch::Contains("10.78.2.50 average RTT"));
  CHECK(*r.fact("ping", "10.78.0.2") == "down");
  CHECK(*r.fact("ping", "127.0.0.1") == "up");

  const auto local = parse_fping(fixture("C3.txt"));
  REQUIRE(local.ok());
  PingExpectation both;
  both.targets = {"127.0.0.1", "127.0.0.2"};
  const auto ok = fping_verdict(*local, both, 0);
  CHECK(ok.status == Status::ok);
  CHECK_THAT(ok.message, Catch::StartsWith("2 targets up"));
  bool rtt_sample = false;
  for (const auto& s : ok.samples) {
    if (s.name == "greenlight_ping_rtt_seconds" && s.labels[0].second == "127.0.0.1" &&
        s.labels[1].second == "max") {
      rtt_sample = true;
      CHECK(s.value == Approx(0.045 / 1000));
    }
  }
  CHECK(rtt_sample);

  both.targets.push_back("127.0.0.3");
  const auto missing = fping_verdict(*local, both, 0);
  CHECK(missing.status == Status::unknown);
  CHECK_THAT(missing.message, Catch::Contains("no fping result for 127.0.0.3"));

  const auto unresolved = fping_verdict(*parse_fping(fixture("name_unresolvable.txt")), {}, 2);
  CHECK(unresolved.status == Status::critical);
  CHECK_THAT(unresolved.message, Catch::Contains("nosuchhost.invalid unresolvable"));

  CHECK(fping_verdict(PingReport{}, {}, 4).status == Status::unknown);
  CHECK(fping_verdict(PingReport{}, {}, 0).status == Status::unknown);
}

TEST_CASE("fping verdict: partial loss is a warning, heavy loss critical") {
  const auto report = parse_fping("a : 0.1 - 0.1 0.1\nb : 0.1 - - -\n");
  REQUIRE(report.ok());
  PingExpectation expect;
  expect.loss_warning_percent = 10;
  expect.loss_critical_percent = 50;
  const auto r = fping_verdict(*report, expect, 0);
  CHECK(r.status == Status::critical);
  CHECK_THAT(r.message, Catch::Contains("b loses 75% of probes (3/4 lost)"));
  CHECK_THAT(r.message, Catch::Contains("a loses 25% of probes"));
}

TEST_CASE("fping command line: -C count, quiet, optional timeout, -- before targets") {
  using V = std::vector<std::string>;
  CHECK(fping_argv({"top1", "top2"}) == V{"fping", "-C", "3", "-q", "--", "top1", "top2"});
  CHECK(fping_argv({"-x"}, 5, 500) == V{"fping", "-C", "5", "-q", "-t", "500", "--", "-x"});
  CHECK(fping_argv({}, 0).at(2) == "1");
  CHECK(fping_argv({"10.0.0.1"}, 2, 500, 100) ==
        V{"fping", "-C", "2", "-q", "-t", "500", "-p", "100", "--", "10.0.0.1"});
}

TEST_CASE("fping -q is silent about an unresolvable name: exit status 2 tells") {
  const auto report = parse_fping(fixture("C3_q_unresolvable.txt"));
  REQUIRE(report.ok());
  CHECK(report->targets.size() == 3);
  PingExpectation expect;
  expect.targets = {"top1", "nosuchhost", "top2", "127.0.0.1"};
  const auto r = fping_verdict(*report, expect, 2);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "no fping result for nosuchhost: name not resolved (exit status 2)");
  CHECK(*r.fact("ping", "nosuchhost") == "unresolved");
  CHECK(*r.fact("ping", "top1") == "up");
}

TEST_CASE("fping without -q: name error, per-probe lines skipped, summary kept") {
  const auto report = parse_fping(fixture("C2_unresolvable_verbose.txt"));
  REQUIRE(report.ok());
  REQUIRE(report->targets.size() == 2);
  CHECK_FALSE(find(*report, "nosuchhost").resolved);
  const auto& top1 = find(*report, "top1");
  CHECK(top1.sent == 2);
  CHECK(top1.max_ms == Approx(0.045));
  CHECK(report->skipped.empty());
}

TEST_CASE("fping verdict, goal unreachable: after a power-off nothing may answer") {
  PingExpectation down;
  down.goal = PingGoal::unreachable;
  down.targets = {"10.78.0.2"};
  const auto gone = parse_fping("10.78.0.2 : - - -\n");
  REQUIRE(gone.ok());
  const auto ok = fping_verdict(*gone, down, 1);
  CHECK(ok.green());
  CHECK(ok.message == "all 1 targets unreachable");

  const auto report = parse_fping(fixture("C3_netns.txt"));
  REQUIRE(report.ok());
  down.targets = {"10.78.0.1", "10.78.0.2"};
  const auto r = fping_verdict(*report, down, 1);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "10.78.0.1 still answers (3/3 replies)");

  down.targets = {"10.78.0.2", "top9"};
  CHECK(fping_verdict(*gone, down, 2).status == Status::unknown);
  const auto unresolved = parse_fping(fixture("name_unresolvable.txt"));
  REQUIRE(unresolved.ok());
  PingExpectation any_down;
  any_down.goal = PingGoal::unreachable;
  CHECK(fping_verdict(*unresolved, any_down, 2).status == Status::unknown);
}
