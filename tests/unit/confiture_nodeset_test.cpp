// confiture addresses expanded with greenlight::NodeSet (ClusterShell
// semantics), on the test fixtures and on the example site's file.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "greenlight/checks/confiture.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string read(const std::string& path) { return greenlight::test::read_file(path); }
}  // namespace

TEST_CASE("the procedure's example expands with NodeSet") {
  const auto records = parse_confiture_addresses(
      read(std::string(GREENLIGHT_FIXTURES_DIR) + "/confiture/spec_addresses.yaml"));
  REQUIRE(records.ok());
  REQUIRE(records->size() == 9);
  CHECK(records->at(4).node == "top2");
  CHECK(records->at(4).network == "adm");
  CHECK(records->at(4).address == "10.1.0.2");
  CHECK(records->at(4).names == std::vector<std::string>{"top2", "top2-adm"});
}

TEST_CASE("zero-padded node sets and address lists pair in ClusterShell order") {
  const auto records = parse_confiture_addresses(
      read(std::string(GREENLIGHT_FIXTURES_DIR) + "/confiture/ocean_addresses.yaml"));
  REQUIRE(records.ok());
  std::vector<std::string> workers;
  for (const auto& r : *records)
    if (r.node.rfind("worker", 0) == 0) workers.push_back(r.node + "=" + r.address);
  CHECK(workers == std::vector<std::string>{"worker01=10.1.1.1", "worker02=10.1.1.2",
                                            "worker03=10.1.1.10", "worker04=10.1.1.11"});
}

TEST_CASE("the example site's confiture addresses parse, critical ones included") {
  const auto records = parse_confiture_addresses(
      read(std::string(GREENLIGHT_SOURCE_DIR) + "/examples/ocean/confiture/addresses.yaml"),
      "examples/ocean/confiture/addresses.yaml");
  REQUIRE(records.ok());
  const auto critical = critical_records(*records);
  CHECK_FALSE(critical.empty());
  CHECK(critical.size() < records->size());
  for (const auto& r : critical) CHECK_FALSE(r.names.empty());
}

TEST_CASE("a malformed node set is a parse error with its place") {
  const auto bad =
      parse_confiture_addresses("addresses:\n  top[3-1]:\n    adm: 10.1.0.[1-3]\n", "site.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().reason, Catch::StartsWith("site.yaml:2:3: bad node set 'top[3-1]'"));
}
