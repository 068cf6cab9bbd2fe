// The dynamic group source read from the result store: @vm:running is what
// the check's latest stored result says, a reading of its own until the
// store has a newer one, and the last known groups when a result could not
// look.
#include "greenlight/checks/store_group_source.h"

#include <catch2/catch.hpp>

#include <atomic>

#include "greenlight/checks/fact_group_source.h"
#include "greenlight/core/nodeset.h"

using namespace greenlight;
using namespace greenlight::checks;

namespace {

CheckResult fleet(Status status, std::vector<std::pair<std::string, std::string>> units) {
  CheckResult result;
  result.status = status;
  for (auto& [vm, state] : units) result.facts.push_back({"vm", vm, state});
  return result;
}

// A reading of its own that counts how often it is asked.
class CountedReading final : public GroupSource {
 public:
  explicit CountedReading(CheckResult result) : facts_(result, "vm", "fleet") {}
  std::optional<std::string> map(std::string_view group) const override {
    ++asked;
    return facts_.map(group);
  }
  std::vector<std::string> list() const override { return facts_.list(); }
  std::optional<std::string> all() const override { return facts_.all(); }
  mutable std::atomic<int> asked{0};

 private:
  FactGroupSource facts_;
};

}  // namespace

TEST_CASE("the store's latest result is the groups, and a newer one replaces them") {
  auto store = std::make_shared<ResultStore>();
  store->declare({"fleet", "fleet_units", "top1"});
  StoreGroupSource source(store, "fleet", "vm", nullptr);
  // No result yet and no reading of its own: no answer, never an empty group.
  CHECK_FALSE(source.map("running").has_value());
  CHECK_FALSE(source.all().has_value());

  store->record("fleet", fleet(Status::ok, {{"admin1", "running"}, {"ns1", "running"}}));
  CHECK(source.map("running") == std::optional<std::string>("admin1,ns1"));
  store->record("fleet", fleet(Status::ok, {{"admin1", "dead"}, {"ns1", "running"}}));
  CHECK(source.map("running") == std::optional<std::string>("ns1"));
  CHECK(source.map("dead") == std::optional<std::string>("admin1"));

  // A result that could not look (no facts) keeps what was known.
  store->record("fleet", fleet(Status::unknown, {}));
  CHECK(source.map("running") == std::optional<std::string>("ns1"));

  // One made now knows no earlier result: no answer, never an empty group.
  GroupResolver groups;
  groups.add_source("vm", std::make_shared<StoreGroupSource>(store, "fleet", "vm", nullptr));
  CHECK_THROWS_WITH(NodeSet::parse("@vm:running", &groups), Catch::Contains("unknown group"));
  store->record("fleet", fleet(Status::ok, {{"ns1", "running"}, {"ns2", "running"}}));
  CHECK(NodeSet::parse("@vm:running", &groups).fold() == "ns[1-2]");
}

TEST_CASE("a source made before a step answers from its own reading until a newer result") {
  auto store = std::make_shared<ResultStore>();
  store->declare({"fleet", "fleet_units", "top1"});
  store->record("fleet", fleet(Status::ok, {{"admin1", "running"}}));
  // Made after the VMs changed: the stored result is older than that.
  auto reading = std::make_shared<CountedReading>(fleet(Status::ok, {{"admin1", "dead"}}));
  StoreGroupSource source(store, "fleet", "vm", reading);
  CHECK(source.map("running") == std::optional<std::string>(""));
  CHECK(source.map("dead") == std::optional<std::string>("admin1"));
  CHECK(reading->asked == 2);

  // The scheduler's next result is newer than the reading: it answers.
  store->record("fleet", fleet(Status::ok, {{"admin1", "running"}, {"ns1", "dead"}}));
  CHECK(source.map("running") == std::optional<std::string>("admin1"));
  CHECK(reading->asked == 2);
}

TEST_CASE("a check unknown to the store leaves the source to its own reading") {
  auto store = std::make_shared<ResultStore>();
  auto reading = std::make_shared<CountedReading>(fleet(Status::ok, {{"ns1", "running"}}));
  StoreGroupSource source(store, "fleet", "vm", reading);
  CHECK(source.map("running") == std::optional<std::string>("ns1"));
  CHECK(source.all() == std::optional<std::string>("ns1"));
}
