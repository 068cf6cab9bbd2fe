// One wait on one gate (GateWait, gate.h): results read as they come,
// green only from results started after the wait began, held for the
// gate's stable_for, or timed out.
#include <fmt/format.h>

#include <algorithm>

#include "greenlight/core/log.h"
#include "greenlight/runbook/gate.h"

namespace greenlight::runbook {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

long long unix_ms(std::chrono::system_clock::time_point at) {
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

GateWait::GateWait(asio::io_context& io, CheckResults& results, const Gate& gate, Options options)
    : io_(io), results_(results), gate_(gate), options_(options), timer_(io) {
  status_.gate = gate.name;
}

GateWait::~GateWait() {
  *alive_ = false;
  cancel();
}

void GateWait::start(Done done, Changed changed,
                     std::optional<std::chrono::system_clock::time_point> evidence_since,
                     std::optional<std::chrono::steady_clock::time_point> waiting_since) {
  keys_.clear();
  status_ = GateStatus{};
  status_.gate = gate_.name;
  for (const auto& check : gate_.checks) {
    keys_.push_back(results_.watch(check));
    status_.checks.push_back({check.check, keys_.back(), GateCheckState::State::kNoResult, {}});
  }
  done_ = std::move(done);
  changed_ = std::move(changed);
  // Results of runs that started before this instant say nothing about the
  // cluster after the steps that precede the gate.
  started_wall_ = std::chrono::system_clock::now();
  started_ = Clock::now();
  waiting_since_ = std::min(started_, waiting_since.value_or(started_));
  // The journal's wall-clock instant, placed on the steady clock once: a
  // clock step during the wait moves neither it nor the results' times.
  evidence_since_ =
      started_ - std::max(std::chrono::system_clock::duration::zero(),
                          started_wall_ - evidence_since.value_or(started_wall_));
  last_signature_.clear();
  active_ = true;
  // Each new result of one of the gate's checks is read as it comes: the
  // reading is posted, so that it never runs inside the scheduler's
  // handler (a green gate goes on to the next step from here).
  const auto evidence_wall = std::min(started_wall_, evidence_since.value_or(started_wall_));
  log::debug("gate {}: waiting; evidence from readings started at or after {} (Unix ms)",
             gate_.name, unix_ms(evidence_wall));
  listening_ = results_.listen([this, alive = alive_, evidence_wall](const std::string& key) {
    if (!*alive || !active_ || std::find(keys_.begin(), keys_.end(), key) == keys_.end()) return;
    // Each reading the wait is told of, with its start and end (Unix ms):
    // the timeline of a gate, from the condition on the hosts to green.
    if (const checks::CheckResult* result = results_.latest(key);
        result != nullptr && log::enabled(log::Level::kDebug)) {
      log::debug("gate {}: {}: reading {} to {} ({} ms): {}{}", gate_.name, key,
                 unix_ms(result->started), unix_ms(result->finished),
                 unix_ms(result->finished) - unix_ms(result->started),
                 checks::to_string(result->status),
                 result->started < evidence_wall ? " (started before the evidence counts)" : "");
    }
    asio::post(io_, [this, alive] {
      if (*alive && active_) evaluate();
    });
  });
  for (const auto& key : keys_) results_.hurry(key, options_.pace);
  evaluate();
}

void GateWait::cancel() {
  if (!active_) return;
  active_ = false;
  listening_.reset();
  timer_.cancel();
  for (const auto& key : keys_) results_.hurry(key, std::nullopt);
}

void GateWait::wake_at(std::chrono::steady_clock::time_point when) {
  timer_.expires_at(when);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || !active_) return;
    evaluate();
  });
}

void GateWait::evaluate() {
  const auto now = Clock::now();
  auto green_since = evidence_since_;  // of every check at once
  bool held = true;  // every green check green for its own hold
  auto held_at = now;  // when the last of the holds ends, if all stay green
  bool green = true;
  bool any_red = false;
  std::string signature;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    auto& check = status_.checks[i];
    const checks::CheckResult* result = results_.latest(keys_[i]);
    check.status = checks::Status::unknown;
    check.evidence = {};
    if (result == nullptr) {
      check.state = GateCheckState::State::kNoResult;
      check.message.clear();
    } else if (result->started < started_wall_) {
      check.state = GateCheckState::State::kStale;
      check.message = result->message;
    } else {
      check.state = result->green() ? GateCheckState::State::kGreen : GateCheckState::State::kRed;
      check.message = result->message;
      check.status = result->status;
      check.evidence = result->finished;
      // Green counts from the first green result taken since the run's
      // last action, with none but green ones after it; without one (a
      // result not from the scheduler's green run), from now.
      const auto since =
          std::max(evidence_since_, results_.green_since(keys_[i], evidence_since_).value_or(now));
      green_since = std::max(green_since, since);
      const auto hold = gate_.checks[i].stable_for.value_or(gate_.stable_for);
      held = held && now - since >= hold;
      held_at = std::max(held_at, since + hold);
    }
    green = green && check.state == GateCheckState::State::kGreen;
    any_red = any_red || check.state == GateCheckState::State::kRed;
    signature += fmt::format("{}:{}:{}\n", static_cast<int>(check.state),
                             static_cast<int>(check.status), check.message);
  }
  status_.green = green;
  status_.waited = duration_cast<milliseconds>(now - waiting_since_);
  status_.green_for =
      green ? std::max(milliseconds(0), duration_cast<milliseconds>(now - green_since))
            : milliseconds(0);
  // Results asked for at the start arrive one by one: "no result yet" is
  // not news until the settle time has passed.
  const bool settling = !green && !any_red && now - started_ < options_.settle;
  if (settling) signature += "settling";
  if (signature != last_signature_) {
    last_signature_ = signature;
    if (changed_ && !settling) changed_(status_);
  }
  if (observer_) observer_(status_);
  if (green && held) {
    finish(GateOutcome::kGreen);
  } else if (status_.waited >= gate_.timeout) {
    finish(GateOutcome::kTimedOut);
  } else {
    // Results wake the wait as they come; on its own it wakes only when
    // something changes with time alone: the holds end, the settle time
    // ends (its news is then told), the timeout.
    auto next = waiting_since_ + gate_.timeout;
    if (green) next = std::min(next, held_at);
    if (settling) next = std::min(next, started_ + options_.settle);
    wake_at(next);
  }
}

void GateWait::finish(GateOutcome outcome) {
  cancel();
  auto done = std::move(done_);
  if (done) done(outcome, status_);
}

}  // namespace greenlight::runbook
