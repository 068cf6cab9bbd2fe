// Gates: a phase waits until every check of a gate reports green, with
// results produced after it started waiting, continuously for `stable_for`,
// and gives up after `timeout`. Green results the checks gave before the
// wait count toward `stable_for` when they were taken after the run's last
// action (no step, pause or resume since) and every result since was green:
// a gate that was already proven does not make the run wait again. A check
// of the gate may hold its own `stable_for` instead of the gate's. While it
// waits it asks for its checks to run now and then a second after each run,
// so that a phase starts soon after its gate's condition turns true; the checks
// of the next phase's `require` gates run as soon as a phase's steps end.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/scheduler.h"
#include "greenlight/core/asio.h"
#include "greenlight/core/config.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/runner.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// Where gates read check results. The scheduler in the program, scripted
/// results in tests. Called from the io_context's thread only.
class CheckResults {
 public:
  virtual ~CheckResults() = default;
  /// The name under which results for `check` (a gate's reference, with its
  /// expectation and overrides) are kept. A reference that differs from the
  /// site's check gets a check of its own, registered on first use. Throws
  /// std::runtime_error naming the check when it cannot be built.
  virtual std::string watch(const GateCheck& check) = 0;
  /// The latest result under `key`, or nullptr before the first one.
  virtual const checks::CheckResult* latest(const std::string& key) const = 0;
  /// Since when every result under `key` has been green, counting only
  /// results that started at or after `from` (Scheduler::green_since).
  virtual std::optional<std::chrono::steady_clock::time_point> green_since(
      const std::string& key, std::chrono::steady_clock::time_point from) const = 0;
  /// Runs the check now, then every `pace`; nullopt restores its interval.
  virtual void hurry(const std::string& key, std::optional<std::chrono::milliseconds> pace) = 0;
  /// Runs the check now, once, its pace untouched (a gate ahead of the
  /// run starts gathering evidence from the run's last action).
  virtual void run_now(const std::string& key) = 0;
  /// Told the key of each new result.
  using Listener = std::function<void(const std::string& key)>;
  /// Calls `listener` after each new result under any key, on the
  /// io_context's thread, until the returned handle is destroyed.
  virtual std::shared_ptr<const Listener> listen(Listener listener) = 0;
};

/// CheckResults over the check scheduler. Checks of gate references are
/// built from the site's check specification with the gate's `expect` and
/// overrides merged into its parameters, and added to the scheduler under a
/// name such as "fleet-units{expect=stopped,vms=@management_vms}".
class SchedulerResults : public CheckResults {
 public:
  /// Where a check's host is reached and through which runner.
  using Placement = std::function<std::pair<Endpoint, CommandRunner*>(const std::string& host)>;

  /// Keeps references to all four; they must outlive this object.
  SchedulerResults(checks::Scheduler& scheduler, const config::Site& site,
                   const GroupResolver& groups, Placement placement);
  std::string watch(const GateCheck& check) override;
  const checks::CheckResult* latest(const std::string& key) const override;
  std::optional<std::chrono::steady_clock::time_point> green_since(
      const std::string& key, std::chrono::steady_clock::time_point from) const override;
  void hurry(const std::string& key, std::optional<std::chrono::milliseconds> pace) override;
  void run_now(const std::string& key) override;
  std::shared_ptr<const Listener> listen(Listener listener) override;

 private:
  checks::Scheduler& scheduler_;
  const config::Site& site_;
  const GroupResolver& groups_;
  Placement placement_;
};

/// The key SchedulerResults uses for `check` (pure; exposed for tests).
std::string gate_check_key(const GateCheck& check);

/// The check a gate runs: the site's check with the gate's `expect` and
/// overrides on top of its parameters, named by gate_check_key (pure).
config::CheckSpec gate_check_spec(const config::CheckSpec& site_check, const GateCheck& check);

/// `gate` as one run waits on it now: in each check's parameters (the
/// site's, with the gate's overrides) every node set that reads a dynamic
/// group (@vm:running, @run:NAME: any source but the site's) is replaced by
/// what it resolves to now, and the run's `excluded` nodes (may be null) are
/// removed from every node set (`targets`, `peers`, `vms`, `hosts`, `nodes`)
/// and allowed in `active_allowed`. A parameter so rewritten becomes an
/// override, so the check gets a key of its own (a gate never reads results
/// of a check that looked at other nodes). Throws std::runtime_error naming
/// the gate, check and node set when a group cannot be resolved.
Gate gate_for_run(const Gate& gate, const config::Site& site, const GroupResolver& groups,
                  const NodeSet* excluded);

/// What one check of a gate says right now.
struct GateCheckState {
  enum class State { kNoResult, kStale, kGreen, kRed };
  std::string check;  ///< the check's name in the site
  std::string key;    ///< where its results are read
  State state = State::kNoResult;
  std::string message;  ///< the check's own message, when it has a result
  /// The result's own status (kGreen and kRed only; unknown otherwise).
  checks::Status status = checks::Status::unknown;
  /// When the result read was complete (kGreen and kRed only; epoch otherwise).
  std::chrono::system_clock::time_point evidence{};
};

/// A gate while it is waited on (or when it stopped waiting).
struct GateStatus {
  std::string gate;
  bool green = false;  ///< every check green with a fresh result
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds green_for{0};
  std::vector<GateCheckState> checks;
  /// Why the gate is not green, one clause per check that is not:
  /// "fleet-units: 3 units running (pcocc-vm-admin1.service, ...)" or
  /// "ping: no result since the gate started waiting".
  std::string why_red() const;
};

/// `text` with its runs of digits (and decimal points between them) folded
/// to one '#': two reasons that differ only by figures (an uptime counting
/// up, a heal count going down) compare equal. Pure.
std::string without_figures(const std::string& text);

/// The node sets `spec` is asked about: its parameters `targets`, `peers`,
/// `vms`, `hosts` and `nodes` that it has, in that order, as (key, node
/// set as written). Pure.
std::vector<std::pair<std::string, std::string>> check_node_set_parameters(
    const config::CheckSpec& spec);

/// check_node_set_parameters() in words: "vms=a[1-2] peers=top[1-3]";
/// empty when it has none. Pure.
std::string check_node_sets(const config::CheckSpec& spec);

/// The nodes a check of a gate looks at, in the operator's words: where it
/// runs and the node sets it reads, with the gate's overrides
/// ("on top1: peers=top[1-3]", "on self"). Empty when the site has no such
/// check. Pure.
std::string gate_check_nodes(const config::Site& site, const GateCheck& check);

enum class GateOutcome { kGreen, kTimedOut, kCancelled };

/// One wait on one gate, on the io_context. Not thread-safe.
class GateWait {
 public:
  struct Options {
    /// The checks' interval while waiting (from the end of one run to the
    /// start of the next, plus the check's jitter; a check's own
    /// gate_interval() in its place): a phase starts within this, plus two
    /// runs of its slowest check, of its gate's condition becoming true on
    /// the hosts. The wait reads the results as each arrives (listen), and
    /// wakes on its own only when a hold or the timeout ends. Faster paces were tried
    /// on the lab: at 250 ms the hurried name lookups loaded the hosts until
    /// the lookups themselves were too slow for the peers gate.
    std::chrono::milliseconds pace{1000};
    /// While no check is red and results are still coming in, `changed` is
    /// not called for this long (checks asked at the start take seconds).
    std::chrono::milliseconds settle{5000};
  };
  using Done = std::function<void(GateOutcome, const GateStatus&)>;
  using Changed = std::function<void(const GateStatus&)>;

  GateWait(asio::io_context& io, CheckResults& results, const Gate& gate, Options options);
  /// Cancels a wait in progress (done is not called) and restores paces.
  ~GateWait();
  GateWait(const GateWait&) = delete;
  GateWait& operator=(const GateWait&) = delete;

  /// Starts waiting; `done` is called once. `changed` (may be empty) is
  /// called whenever the gate's verdict or its reasons change.
  /// `evidence_since` (wall clock): green results count toward stable_for
  /// from that instant on (the run's last step, pause or resume); nullopt:
  /// from now. The latest result of every check must still be newer than
  /// the start of the wait. Throws std::runtime_error when a check of the
  /// gate cannot be built. `waiting_since`: the gate has been waited on
  /// since then (before a remedy ran): `waited` and the timeout count from
  /// it; nullopt: from now.
  void start(Done done, Changed changed = {},
             std::optional<std::chrono::system_clock::time_point> evidence_since = {},
             std::optional<std::chrono::steady_clock::time_point> waiting_since = {});
  void cancel();
  const GateStatus& status() const { return status_; }
  /// `each` (may be empty) is called after every reading of the results
  /// (each new result, the end of a hold, of the settle time, the timeout),
  /// before `done`, on the io_context's thread. For observers that decide
  /// themselves what is news.
  void set_observer(Changed each) { observer_ = std::move(each); }

 private:
  void wake_at(std::chrono::steady_clock::time_point when);
  void evaluate();
  void finish(GateOutcome outcome);

  asio::io_context& io_;
  CheckResults& results_;
  const Gate& gate_;
  Options options_;
  asio::steady_timer timer_;
  std::shared_ptr<const CheckResults::Listener> listening_;  ///< while active
  std::vector<std::string> keys_;
  std::chrono::system_clock::time_point started_wall_{};
  std::chrono::steady_clock::time_point started_{};
  std::chrono::steady_clock::time_point waiting_since_{};
  std::chrono::steady_clock::time_point evidence_since_{};
  GateStatus status_;
  std::string last_signature_;
  Done done_;
  Changed changed_;
  Changed observer_;
  bool active_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace greenlight::runbook
