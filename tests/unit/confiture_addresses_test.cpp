// confiture addresses: node sets and address sets expanded pairwise, default
// networks, critical flags, and errors with file:line:col.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "greenlight/checks/confiture.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {

std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/confiture/" + name);
}

// A small expander for one bracket group "pre[a-b,c]post" with zero padding,
// so these tests do not depend on the node set library.
std::vector<std::string> expand(std::string_view text) {
  const auto open = text.find('[');
  if (open == std::string_view::npos) {
    if (text.find_first_of("],") != std::string_view::npos) throw std::invalid_argument("bad set");
    return {std::string(text)};
  }
  const auto close = text.find(']', open);
  if (close == std::string_view::npos) throw std::invalid_argument("missing ']'");
  const std::string pre(text.substr(0, open));
  const std::string post(text.substr(close + 1));
  std::vector<std::string> out;
  std::string_view ranges = text.substr(open + 1, close - open - 1);
  while (!ranges.empty()) {
    const auto comma = ranges.find(',');
    const std::string_view r = ranges.substr(0, comma);
    ranges.remove_prefix(comma == std::string_view::npos ? ranges.size() : comma + 1);
    const auto dash = r.find('-');
    const std::string lo(r.substr(0, dash));
    const std::string hi(dash == std::string_view::npos ? lo : std::string(r.substr(dash + 1)));
    for (int i = std::stoi(lo); i <= std::stoi(hi); ++i) {
      std::string n = std::to_string(i);
      while (n.size() < lo.size()) n = "0" + n;
      out.push_back(pre + n + post);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the procedure's example: 3 nodes x 3 networks, adm default, all critical") {
  const auto records = parse_confiture_addresses(fixture("spec_addresses.yaml"), expand);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 9);
  const auto& first = records->at(0);
  CHECK(first.node == "top1");
  CHECK(first.network == "eq");
  CHECK(first.address == "10.0.0.1");
  CHECK(first.critical);
  CHECK_FALSE(first.default_network);
  CHECK(first.names == std::vector<std::string>{"top1-eq"});
  const auto& adm = records->at(1);
  CHECK(adm.network == "adm");
  CHECK(adm.address == "10.1.0.1");
  CHECK(adm.default_network);
  CHECK(adm.names == std::vector<std::string>{"top1", "top1-adm"});
  const auto& last = records->at(8);
  CHECK(last.node == "top3");
  CHECK(last.network == "data");
  CHECK(last.address == "10.5.0.3");
}

TEST_CASE("a site: lists of address sets, string default, non-critical entries") {
  const auto records = parse_confiture_addresses(fixture("ocean_addresses.yaml"), expand);
  REQUIRE(records.ok());
  CHECK(records->size() == 9 + 4 + 3 + 2);
  const auto critical = critical_records(*records);
  CHECK(critical.size() == 9 + 4 + 3);
  std::vector<std::string> workers;
  for (const auto& r : *records)
    if (r.node.rfind("worker", 0) == 0) workers.push_back(r.node + "=" + r.address);
  CHECK(workers == std::vector<std::string>{"worker01=10.1.1.1", "worker02=10.1.1.2",
                                            "worker03=10.1.1.10", "worker04=10.1.1.11"});
  CHECK(records->back().node == "admin2");
  CHECK_FALSE(records->back().critical);
  CHECK(records->back().names == std::vector<std::string>{"admin2", "admin2-adm"});
}

TEST_CASE("an address file asking for more than a million records is refused before they exist") {
  // fuzz_api_parsers: node sets under the node ceiling, times networks,
  // over every entry, grew past 2 GB from a few kilobytes.
  std::string yaml = "addresses:\n  n[1-1000]:\n";
  for (int network = 0; network < 1001; ++network)
    yaml += "    net" + std::to_string(network) + ": a[1-1000]\n";
  const auto r = parse_confiture_addresses(yaml, expand, "addresses.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().reason ==
        "addresses.yaml:2:3: n[1-1000]: more than 1000000 address records in the file (nodes "
        "times networks, every entry)");
}

TEST_CASE("confiture errors name the file, line and column") {
  auto error = [](const std::string& yaml) {
    const auto r = parse_confiture_addresses(yaml, expand, "site.yaml");
    REQUIRE_FALSE(r.ok());
    return r.error().reason;
  };
  CHECK(error("addresses:\n  top[1-3]:\n    adm: 10.1.0.[1-2]\n") ==
        "site.yaml:3:5: top[1-3]: 3 nodes but 2 addresses on network 'adm'");
  CHECK(error("addresses:\n  top[1-2]:\n    default: [ eq ]\n    adm: 10.1.0.[1-2]\n") ==
        "site.yaml:2:3: top[1-2]: default network 'eq' has no addresses");
  CHECK(error("addresses:\n  top[1-2]:\n    adm: 10.1.0.[1-2]\n    critical: maybe\n") ==
        "site.yaml:4:5: top[1-2]: 'critical' must be true or false");
  CHECK(error("addresses:\n  top[1-2:\n    adm: 10.1.0.[1-2]\n") ==
        "site.yaml:2:3: bad node set 'top[1-2': missing ']'");
  CHECK(error("addresses:\n  top1:\n    adm:\n") ==
        "site.yaml:3:5: top1: network 'adm' has no address");
  CHECK(error("cluster: x\n") == "site.yaml: no 'addresses' key");
  CHECK(error("- a\n- b\n") == "site.yaml: not a YAML mapping");
  CHECK(error("addresses: [1, 2]\n") ==
        "site.yaml:1:12: 'addresses' must be a mapping of node sets");
  CHECK_THAT(error("addresses:\n  top1: {adm: [\n"), Catch::StartsWith("site.yaml:"));
  CHECK_THAT(error(std::string("\x01\x02\xff: [", 6)), Catch::StartsWith("site.yaml"));
}
