// The one store of check results: immutable versions, results kept across a
// reload for checks declared again, what follows from the run of results
// (last success, last ok, histograms, series kept as NaN), and the
// scheduler writing into it.
#include "greenlight/checks/result_store.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <thread>

#include "greenlight/checks/scheduler.h"
#include "greenlight/core/runner.h"

using namespace greenlight;
using checks::CheckResult;
using checks::Status;

namespace {

CheckResult result(Status status, int at_seconds) {
  CheckResult r;
  r.status = status;
  r.message = "at " + std::to_string(at_seconds);
  r.finished = std::chrono::system_clock::time_point(std::chrono::seconds(at_seconds));
  r.started = r.finished - std::chrono::seconds(1);
  return r;
}

}  // namespace

TEST_CASE("a version held by a reader never changes, the next one has the new result") {
  checks::ResultStore store;
  store.declare({"heal", "gluster_heal", "top1"});
  const auto before = store.current();
  REQUIRE(before->checks.size() == 1);
  CHECK(before->find("heal")->result == nullptr);
  CHECK_FALSE(before->complete());
  const auto stored = store.record("heal", result(Status::ok, 1000));
  REQUIRE(stored != nullptr);
  CHECK(before->find("heal")->result == nullptr);
  const auto after = store.current();
  CHECK(after->number > before->number);
  CHECK(after->find("heal")->result == stored);
  CHECK(after->complete());
  CHECK(after->find("other") == nullptr);
}

TEST_CASE("a gate's own variant without a result leaves the store complete") {
  checks::ResultStore store;
  store.declare({"fleet-units", "fleet_units", "top1"});
  store.record("fleet-units", result(Status::ok, 1));
  store.declare({"fleet-units{expect=stopped}", "fleet_units", "top1", "fleet-units"});
  CHECK(store.current()->complete());
  CHECK(store.current()->find("fleet-units{expect=stopped}")->variant_of == "fleet-units");
  store.declare({"ping", "fping", "top1"});
  CHECK_FALSE(store.current()->complete());
}

TEST_CASE("a result of a check not declared is dropped") {
  checks::ResultStore store;
  const auto number = store.current()->number;
  CHECK(store.record("ghost", result(Status::ok, 1)) == nullptr);
  CHECK(store.current()->number == number);
  CHECK(store.current()->checks.empty());
}

TEST_CASE("last success, last ok, histograms and NaN series follow the results") {
  checks::ResultStore store;
  store.declare({"ping", "fping", "top1"});
  auto first = result(Status::warning, 10);
  first.add_sample("greenlight_ping_loss_ratio", {{"target", "top2"}}, 0.5);
  first.add_observation("greenlight_ping_probe_rtt_seconds", {{"target", "top2"}}, 0.0003);
  store.record("ping", first);
  auto second = result(Status::unknown, 20);
  second.add_observation("greenlight_ping_probe_rtt_seconds", {{"target", "top2"}}, 3.0);
  const auto stored = store.record("ping", second);
  const auto* ping = store.current()->find("ping");
  REQUIRE(ping != nullptr);
  CHECK(ping->last_success == first.finished);
  CHECK_FALSE(ping->last_ok.has_value());
  REQUIRE(ping->histograms.size() == 1);
  CHECK(ping->histograms[0].count == 2);
  CHECK(ping->histograms[0].counts.back() == 1);  // 3 s: above every bound
  CHECK(stored->observations.empty());
  REQUIRE(stored->samples.size() == 1);
  CHECK(stored->samples[0].name == "greenlight_ping_loss_ratio");
  CHECK(std::isnan(stored->samples[0].value));
  store.record("ping", result(Status::ok, 30));
  CHECK(store.current()->find("ping")->last_ok ==
        std::chrono::system_clock::time_point(std::chrono::seconds(30)));
  CHECK(store.current()->find("ping")->histograms.size() == 1);
}

TEST_CASE("a reload keeps a check declared again with the same kind, in the new order") {
  checks::ResultStore store;
  store.declare({"heal", "gluster_heal", "top1"});
  store.declare({"gone", "command", "top1"});
  store.declare({"retyped", "command", "top1"});
  store.record("heal", result(Status::ok, 1));
  store.record("retyped", result(Status::ok, 1));
  store.redeclare({{"new", "command", "top1"},
                   {"retyped", "nagios", "top1"},
                   {"heal", "gluster_heal", "top2"}});
  const auto now = store.current();
  REQUIRE(now->checks.size() == 3);
  CHECK(now->checks[0]->name == "new");
  CHECK(now->checks[1]->result == nullptr);  // another kind: afresh
  CHECK(now->checks[2]->result != nullptr);
  CHECK(now->checks[2]->host == "top2");
  CHECK(now->find("gone") == nullptr);
  // Declared again one by one (a scheduler adding a site's check): kept.
  store.declare({"heal", "gluster_heal", "top2"});
  CHECK(store.current()->find("heal")->result != nullptr);
  CHECK(store.current()->checks.size() == 3);
}

TEST_CASE("readers on other threads hold versions while one thread writes") {
  checks::ResultStore store;
  store.declare({"a", "command", "self"});
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done) {
      const auto version = store.current();
      if (version->number < last) FAIL_CHECK("a version older than one already read");
      last = version->number;
      if (const auto* a = version->find("a"); a != nullptr && a->result) {
        if (a->result->message.rfind("at ", 0) != 0) FAIL_CHECK("a result half written");
      }
      ++reads;
    }
  });
  while (reads == 0) std::this_thread::yield();  // the reader reads while the writer writes
  for (int i = 0; i < 2000; ++i) store.record("a", result(Status::ok, i));
  done = true;
  reader.join();
  CHECK(reads > 0);
  CHECK(store.current()->find("a")->result->message == "at 1999");
}

TEST_CASE("the scheduler declares its checks and writes each result into the store") {
  asio::io_context io;
  LocalRunner runner{io};
  auto store = std::make_shared<checks::ResultStore>();
  std::vector<const CheckResult*> told;
  checks::Scheduler scheduler(
      io, [&](const std::string&, const CheckResult& r) { told.push_back(&r); }, store);
  class Once : public checks::Check {
   public:
    Once() : Check("true", "self") {}
    std::vector<Command> commands() const override {
      Command command;
      command.argv = {"true"};
      return {command};
    }
    CheckResult judge(const std::vector<RunResult>&) const override {
      CheckResult r;
      r.status = Status::ok;
      r.message = "true ran";
      return r;
    }
  };
  checks::Scheduler::Entry entry;
  entry.check = std::make_unique<Once>();
  entry.kind = "command";
  entry.endpoint = Endpoint{"self", "", 22, "", true};
  entry.runner = &runner;
  entry.interval = std::chrono::hours(1);
  scheduler.add(std::move(entry));
  REQUIRE(store->current()->find("true") != nullptr);
  CHECK(store->current()->find("true")->kind == "command");
  CHECK(store->current()->find("true")->host == "self");
  auto listening = scheduler.listen([&](const std::string&) { scheduler.stop(); });
  scheduler.start();
  io.run();
  const auto* stored = store->current()->find("true");
  REQUIRE(stored->result != nullptr);
  CHECK(stored->result->message == "true ran");
  // One result, kept once: the scheduler's latest and the handler's are the store's.
  CHECK(scheduler.latest("true") == stored->result.get());
  REQUIRE(told.size() == 1);
  CHECK(told[0] == stored->result.get());
  CHECK(&scheduler.store() == store.get());
  // A check added to a stopped scheduler never runs: the store does not show it.
  auto late = std::make_unique<Once>();
  checks::Scheduler::Entry added;
  added.check = std::move(late);
  added.kind = "command";
  added.endpoint = Endpoint{"self", "", 22, "", true};
  added.runner = &runner;
  store->redeclare({});
  scheduler.add(std::move(added));
  CHECK(store->current()->checks.empty());
}
