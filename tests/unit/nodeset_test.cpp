#include "greenlight/core/nodeset.h"

#include <catch2/catch.hpp>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/rangeset.h"

using greenlight::GroupPolicy;
using greenlight::GroupResolutionError;
using greenlight::GroupResolver;
using greenlight::NodeSet;
using greenlight::NodeSetParseError;
using greenlight::RangeSet;
using greenlight::RangeSetParseError;
using greenlight::StaticGroupSource;

namespace {
std::string fold(const std::string& text) { return NodeSet::parse(text).fold(); }
std::string expand(const std::string& text) {
  std::string out;
  for (const auto& node : NodeSet::parse(text).expand()) out += (out.empty() ? "" : " ") + node;
  return out;
}
}  // namespace

TEST_CASE("range sets keep ClusterShell's padding rules") {
  CHECK(RangeSet::parse("1-5,7").fold() == "1-5,7");
  CHECK(RangeSet::parse("08-11").fold() == "08-11");
  CHECK(RangeSet::parse("9-11").fold() == "9-11");
  CHECK(RangeSet::parse("1-2,001-002").fold() == "1-2,001-002");
  CHECK(RangeSet::parse("1-10/2").fold() == "1,3,5,7,9");
  CHECK(RangeSet::parse("0-1,00-01").expand() == std::vector<std::string>{"0", "1", "00", "01"});
  CHECK(RangeSet::parse("-3-2").fold() == "-3-2");
  CHECK(RangeSet::parse("1-1000000").size() == 1000000);
}

TEST_CASE("expansion counts across digit boundaries with and without padding") {
  CHECK(RangeSet::parse("8-11").expand() == std::vector<std::string>{"8", "9", "10", "11"});
  CHECK(RangeSet::parse("098-101").expand() ==
        std::vector<std::string>{"098", "099", "100", "101"});
  CHECK(RangeSet::parse("98-101,998-1000").expand() ==
        std::vector<std::string>{"98", "99", "100", "101", "998", "999", "1000"});
  CHECK(RangeSet::parse("-2-1").expand() == std::vector<std::string>{"-2", "-1", "0", "1"});
  std::string out;
  NodeSet::parse("n[9-10],m[099-100]").expand_to(out, ",");
  CHECK(out == "m099,m100,n9,n10");
}

TEST_CASE("malformed range sets are refused with ClusterShell's reasons") {
  CHECK_THROWS_WITH(RangeSet::parse("5-1"), "invalid values in range : \"5-1\"");
  CHECK_THROWS_WITH(RangeSet::parse("01-2"), Catch::Contains("padding length mismatch"));
  CHECK_THROWS_WITH(RangeSet::parse("1/2"), Catch::Contains("invalid step usage"));
  CHECK_THROWS_WITH(RangeSet::parse("a-b"), Catch::Contains("cannot convert string to integer"));
  CHECK_THROWS_AS(RangeSet::parse(""), RangeSetParseError);
}

TEST_CASE("node sets fold and expand as ClusterShell's nodeset") {
  CHECK(fold("node[1-3],node4,node[6-7]") == "node[1-4,6-7]");
  CHECK(fold("node-00[1-6]0") == "node-[0010,0020,0030,0040,0050,0060]");
  CHECK(fold("da[2-5]c[1-2]p[0-1]") == "da[2-5]c[1-2]p[0-1]");
  CHECK(expand("a[1-2]b[3-4]") == "a1b3 a1b4 a2b3 a2b4");
  CHECK(fold("x1y1,x1y2,x2y1,x2y2,x3y3") == "x[1-2]y[1-2],x3y3");
  CHECK(fold("n[1-3]-ib[0-1]") == "n[1-3]-ib[0-1]");
  CHECK(fold("b,a,c1") == "a,b,c1");
  CHECK(fold("a%b[1-2]") == "a%b[1-2]");
}

TEST_CASE("operators apply left to right") {
  CHECK(fold("a[1-9]!a[2-3],a2") == "a[1-2,4-9]");
  CHECK(fold("a[1-5],b[2-3]!a3&a[1-4,10]^a[4-6]") == "a[1-2,5-6]");
  NodeSet set = NodeSet::parse("top[1-3],worker[1-4]");
  set.difference_update(NodeSet::parse("top1"));
  CHECK(set.fold() == "top[2-3],worker[1-4]");
  CHECK(set.size() == 6);
  CHECK(set.contains("top2"));
  CHECK_FALSE(set.contains("top1"));
}

TEST_CASE("malformed node sets name the wrong part and its position") {
  try {
    NodeSet::parse("ok1,n[1-3");
    FAIL("parsed");
  } catch (const NodeSetParseError& error) {
    CHECK_THAT(error.what(), Catch::Contains("missing bracket"));
    CHECK(error.position() == 4);
  }
  CHECK_THROWS_AS(NodeSet::parse("a,"), NodeSetParseError);
  CHECK_THROWS_AS(NodeSet::parse("n[1-2]]"), NodeSetParseError);
  CHECK_THROWS_AS(NodeSet::parse("n[5-1]"), NodeSetParseError);
}

TEST_CASE("digits before a bracket join non-negative indexes only") {
  CHECK(NodeSet::parse("n1[0-2]").fold() == "n[10-12]");
  CHECK(NodeSet::parse("1[0-2]1").fold() == "[101,111,121]");
  // "1[-1]" would fold to a range "1-11" nobody wrote (ClusterShell 1.9
  // refuses it, and folds "1[-2--1]1" to 121 nodes): all are refused.
  for (const char* text : {"1[-1]", "1[0-3-4]1", "1[-2--1]1", "n1[-3,-1,5]"}) {
    CAPTURE(text);
    CHECK_THROWS_WITH(NodeSet::parse(text), Catch::Contains("negative index"));
  }
  CHECK(NodeSet::parse("n[-3-4]1").size() == 8);  // no digits before: ClusterShell's reading
}

TEST_CASE("groups resolve through their source, unknown groups are errors by default") {
  GroupResolver groups;
  groups.add_source(
      "site", std::make_shared<StaticGroupSource>(std::map<std::string, std::string, std::less<>>{
                  {"top", "top[1-3]"}, {"hypervisors", "@top,worker[1-4]"}}));
  groups.add_source(
      "vm", std::make_shared<StaticGroupSource>(std::map<std::string, std::string, std::less<>>{
                {"running", "admin[1-2],ns[1-3]"}}));
  CHECK(NodeSet::parse("@hypervisors!top1", &groups).fold() == "top[2-3],worker[1-4]");
  CHECK(NodeSet::parse("@vm:running", &groups).size() == 5);
  CHECK(NodeSet::parse("@@vm", &groups).fold() == "running");
  CHECK_THROWS_AS(NodeSet::parse("@nosuch", &groups), GroupResolutionError);
  CHECK_THROWS_AS(NodeSet::parse("@nosource:x", &groups), GroupResolutionError);
  CHECK(NodeSet::parse("@nosuch", &groups, GroupPolicy::kClusterShell).empty());
  CHECK_THROWS_AS(NodeSet::parse("@top"), GroupResolutionError);
}

TEST_CASE("a group that contains itself is refused, not followed forever") {
  GroupResolver groups;
  groups.add_source("site",
                    std::make_shared<StaticGroupSource>(
                        std::map<std::string, std::string, std::less<>>{{"loop", "a1,@loop"}}));
  CHECK_THROWS_WITH(NodeSet::parse("@loop", &groups), Catch::Contains("levels deep"));
}

TEST_CASE("a group named twice in one set is resolved once") {
  // g30 = @g29,@g29 = ...: followed name by name, 2^30 resolutions (this
  // test would not end); resolved once per group, 31.
  std::map<std::string, std::string, std::less<>> doubling{{"g0", "n[1-2]"}};
  for (int i = 1; i <= 30; ++i)
    doubling["g" + std::to_string(i)] = "@g" + std::to_string(i - 1) + ",@g" + std::to_string(i - 1);
  GroupResolver groups;
  groups.add_source("site", std::make_shared<StaticGroupSource>(doubling));
  CHECK(NodeSet::parse("@g30", &groups).fold() == "n[1-2]");
  CHECK(NodeSet::parse("@g30!n1,@g3", &groups).fold() == "n[1-2]");
}

TEST_CASE("large sets stay cheap") {
  NodeSet big = NodeSet::parse("node[1-1000000]");
  CHECK(big.size() == 1000000);
  big.difference_update(NodeSet::parse("node[2-999999]"));
  CHECK(big.fold() == "node[1,1000000]");
}

TEST_CASE("upcall sources: answers as words, failures and hangs named") {
  greenlight::UpcallGroupSource::Upcalls upcalls;
  upcalls.name = "shell";
  upcalls.cfgdir = "/tmp";
  upcalls.map = "test $GROUP = top && echo 'top[1-3]' top9";
  upcalls.list = "echo top; echo gpu";
  upcalls.timeout = std::chrono::seconds(1);
  greenlight::UpcallGroupSource source(upcalls);
  CHECK(source.map("top") == std::optional<std::string>("top[1-3],top9"));
  CHECK(source.list() == std::vector<std::string>{"top", "gpu"});
  CHECK_FALSE(source.all());
  CHECK_THROWS_WITH(source.map("gpu"), Catch::Contains("group source \"shell\": map upcall") &&
                                           Catch::Contains("failed: exit 1"));
  upcalls.map = "sleep 10";
  greenlight::UpcallGroupSource hung(upcalls);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(hung.map("x"), Catch::Contains("timed out"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("group words and wildcard masks from a range are held to the node ceiling") {
  GroupResolver groups;
  groups.add_source("site", std::make_shared<StaticGroupSource>(
                                std::map<std::string, std::string, std::less<>>{{"g1", "a1"}}));
  // 10^10 words: refused at once, before the first is resolved or matched.
  CHECK_THROWS_WITH(NodeSet::parse("@g[1-100000]x[1-100000]", &groups),
                    Catch::Contains("group names, more than the"));
  CHECK_THROWS_WITH(NodeSet::parse("a?[1-100000]x[1-100000]", &groups),
                    Catch::Contains("wildcard masks, more than the"));
  CHECK(NodeSet::parse("@g[1-2]", &groups, GroupPolicy::kClusterShell).fold() == "a1");
  CHECK(NodeSet::parse("a[1-2]", &groups).fold() == "a[1-2]");
}
