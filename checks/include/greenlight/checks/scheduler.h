// The check scheduler: every check runs at its interval (plus a random
// jitter) on one io_context, never two runs of the same check at once, each
// run bounded by its timeout, so a hung command never delays another check.
// A gate that waits on a check asks for a run now and a faster pace. Each
// result goes into the result store (result_store.h), where every reader
// finds it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "greenlight/checks/check.h"
#include "greenlight/checks/green_run.h"
#include "greenlight/checks/result_store.h"

namespace greenlight::checks {

/// Not thread-safe: call it from the io_context's thread (or before run()).
/// Its results are read from other threads through store() only.
class Scheduler {
 public:
  using ResultHandler = std::function<void(const std::string& check, const CheckResult& result)>;
  /// Told the name of the check after each of its results.
  using Listener = std::function<void(const std::string& check)>;

  struct Entry {
    std::unique_ptr<Check> check;
    std::string kind;  ///< the check's kind, as the store declares it ("fping")
    /// The site's check this is a gate's own variant of; empty for a site's
    /// check (StoredCheck::variant_of).
    std::string variant_of{};
    Endpoint endpoint;
    CommandRunner* runner = nullptr;
    std::chrono::milliseconds interval{30'000};
    std::chrono::milliseconds timeout{20'000};
    std::chrono::milliseconds jitter{0};
  };

  /// Writes every result into `store` (a store of its own when null; serve
  /// gives each configuration's scheduler the one store the exporter reads)
  /// while scheduling, then calls `on_result` (when not empty) with the
  /// result as stored. Readers of results read the store's versions.
  Scheduler(asio::io_context& io, ResultHandler on_result,
            std::shared_ptr<ResultStore> store = nullptr);
  ~Scheduler();

  /// Adds a check and declares it in the store (entry.kind and variant_of,
  /// the endpoint's node as its host; not after stop() until start()); it
  /// first runs after a random delay within its jitter once start() was
  /// called.
  void add(Entry entry);
  void start();
  /// Stops scheduling; runs in flight finish but are not rescheduled, and
  /// their results are no longer written into the store (latest() has them).
  void stop();
  /// Runs the check as soon as it is not running. False for an unknown name.
  bool run_now(const std::string& name);
  /// Overrides the interval (a gate's fast pace, or the check's own
  /// gate_interval() in its place, its jitter added); nullopt restores the
  /// configured one.
  bool set_pace(const std::string& name, std::optional<std::chrono::milliseconds> interval);
  /// True when a check of that name was added.
  bool knows(const std::string& name) const { return states_.count(name) != 0; }
  /// The latest result, if the check has run: the store's (shared), valid
  /// until the check's next result.
  const CheckResult* latest(const std::string& name) const;
  /// Since when the check has been green without a break, counting only
  /// results that started at or after `from` (steady clock): the end of the
  /// first of them. nullopt when the latest result is not green, when no
  /// green result started since `from`, and after stop() or start()
  /// (results are continuous only while scheduled).
  std::optional<std::chrono::steady_clock::time_point> green_since(
      const std::string& name, std::chrono::steady_clock::time_point from) const;
  std::size_t runs(const std::string& name) const;
  /// Calls `listener` after each result of any check (after the handler
  /// given to the constructor), until the returned handle is destroyed.
  /// The listener may drop its own or another handle while called.
  std::shared_ptr<const Listener> listen(Listener listener);
  /// Where the results are kept; readable from any thread (ResultStore).
  const ResultStore& store() const { return *store_; }

 private:
  struct State;
  void schedule(State& state, std::chrono::milliseconds delay);
  void launch(State& state);

  asio::io_context& io_;
  ResultHandler on_result_;
  std::shared_ptr<ResultStore> store_;
  std::map<std::string, std::unique_ptr<State>> states_;
  std::vector<std::weak_ptr<const Listener>> listeners_;
  std::mt19937 random_{std::random_device{}()};
  bool running_ = false;
  bool stopped_ = false;  ///< stop() was called, start() not since
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace greenlight::checks
