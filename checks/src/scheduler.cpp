#include "greenlight/checks/scheduler.h"

#include <algorithm>

namespace greenlight::checks {

struct Scheduler::State {
  Entry entry;
  asio::steady_timer timer;
  std::optional<std::chrono::milliseconds> pace;
  bool in_flight = false;
  bool again = false;  // run_now() arrived while running
  std::shared_ptr<const CheckResult> latest;  ///< the store's, or its own after stop()
  GreenRun green;
  std::chrono::steady_clock::time_point launched{};
  std::size_t runs = 0;

  State(asio::io_context& io, Entry e) : entry(std::move(e)), timer(io) {}
  // A gate's pace, or the check's own pace under a gate (heal info slower,
  // a power reading faster), never slower than the check's own interval.
  std::chrono::milliseconds interval() const {
    if (!pace) return entry.interval;
    return std::min(entry.interval, entry.check->gate_interval().value_or(*pace));
  }
};

Scheduler::Scheduler(asio::io_context& io, ResultHandler on_result,
                     std::shared_ptr<ResultStore> store)
    : io_(io),
      on_result_(std::move(on_result)),
      store_(store ? std::move(store) : std::make_shared<ResultStore>()) {}

Scheduler::~Scheduler() {
  *alive_ = false;
  for (auto& [name, state] : states_) state->timer.cancel();
}

void Scheduler::add(Entry entry) {
  const std::string name = entry.check->name();
  // A stopped scheduler (a configuration no longer in force) never runs
  // what is added to it: the store does not show it.
  if (!stopped_) store_->declare({name, entry.kind, entry.endpoint.node, entry.variant_of});
  auto& state = states_[name] = std::make_unique<State>(io_, std::move(entry));
  if (running_) schedule(*state, std::chrono::milliseconds(0));
}

void Scheduler::start() {
  running_ = true;
  stopped_ = false;
  for (auto& [name, state] : states_) {
    state->green.clear();
    const auto jitter = state->entry.jitter.count();
    std::uniform_int_distribution<long long> spread(0, jitter > 0 ? jitter : 0);
    schedule(*state, std::chrono::milliseconds(spread(random_)));
  }
}

void Scheduler::stop() {
  running_ = false;
  stopped_ = true;
  for (auto& [name, state] : states_) {
    state->timer.cancel();
    state->green.clear();
  }
}

void Scheduler::schedule(State& state, std::chrono::milliseconds delay) {
  state.timer.expires_after(delay);
  state.timer.async_wait([this, &state, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || !running_) return;
    launch(state);
  });
}

void Scheduler::launch(State& state) {
  if (state.in_flight) {  // never two runs of one check: the current one reschedules
    state.again = true;
    return;
  }
  state.in_flight = true;
  state.launched = std::chrono::steady_clock::now();
  run_check(*state.entry.check, *state.entry.runner, state.entry.endpoint, state.entry.timeout,
            [this, &state, alive = alive_](CheckResult result) {
              if (!*alive) return;
              state.in_flight = false;
              ++state.runs;
              // A run that ends after stop() does not start a new green run.
              if (running_) {
                state.green.add(result.green(), state.launched, std::chrono::steady_clock::now());
              }
              // The store keeps the result once; a result after stop() is
              // a late one of a configuration that is no longer in force.
              std::shared_ptr<const CheckResult> stored;
              if (running_) stored = store_->record(state.entry.check->name(), result);
              state.latest =
                  stored ? std::move(stored) : std::make_shared<const CheckResult>(std::move(result));
              if (on_result_) on_result_(state.entry.check->name(), *state.latest);
              std::erase_if(listeners_, [](const auto& weak) { return weak.expired(); });
              for (const auto& weak : std::vector(listeners_)) {
                if (const auto listener = weak.lock()) (*listener)(state.entry.check->name());
              }
              if (!*alive) return;
              if (!running_) return;
              if (state.again) {
                state.again = false;
                schedule(state, std::chrono::milliseconds(0));
                return;
              }
              // Jitter spreads the load, a gate's pace included (without it,
              // one restart on the lab waited 403 s on its gates instead of
              // about 265 s).
              const auto jitter = state.entry.jitter.count();
              std::uniform_int_distribution<long long> spread(0, jitter > 0 ? jitter : 0);
              schedule(state, state.interval() + std::chrono::milliseconds(spread(random_)));
            });
}

std::shared_ptr<const Scheduler::Listener> Scheduler::listen(Listener listener) {
  auto handle = std::make_shared<const Listener>(std::move(listener));
  listeners_.push_back(handle);
  return handle;
}

bool Scheduler::run_now(const std::string& name) {
  auto it = states_.find(name);
  if (it == states_.end()) return false;
  if (it->second->in_flight) {
    it->second->again = true;
  } else if (running_) {
    schedule(*it->second, std::chrono::milliseconds(0));
  }
  return true;
}

bool Scheduler::set_pace(const std::string& name,
                         std::optional<std::chrono::milliseconds> interval) {
  auto it = states_.find(name);
  if (it == states_.end()) return false;
  it->second->pace = interval;
  return true;
}

const CheckResult* Scheduler::latest(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? nullptr : it->second->latest.get();
}

std::optional<std::chrono::steady_clock::time_point> Scheduler::green_since(
    const std::string& name, std::chrono::steady_clock::time_point from) const {
  auto it = states_.find(name);
  return it == states_.end() ? std::nullopt : it->second->green.since(from);
}

std::size_t Scheduler::runs(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? 0 : it->second->runs;
}

}  // namespace greenlight::checks
