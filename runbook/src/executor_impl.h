// The executor's state and its methods, shared by the files that define
// them: executor.cpp (the run's flow and the journal), executor_gates.cpp
// (waiting on gates, pausing and asking the operator), executor_steps.cpp
// (running each kind of step) and executor_snapshot.cpp (the run as shown).
#pragma once

#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "greenlight/core/nodeset.h"
#include "greenlight/core/process.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/run_gate_status.h"
#include "greenlight/runbook/remedy.h"
#include "greenlight/runbook/run_outline.h"
#include "greenlight/runbook/step_jobs.h"
#include "job_window.h"
#include "step_commands.h"

namespace greenlight::runbook {
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// Where the executor is within a phase.
enum class Stage { kRequire, kSteps, kWaitFor, kDone };

bool changes_cluster(const Step& step);
// Steps that only ask the operator or record a node set: running them again
// after a crash has no effect on the cluster.
bool harmless_to_repeat(const Step& step);
// "failed on NODESET (...)" as journaled by a step that failed on nodes.
std::string failed_nodes_of(const std::string& detail);
// "boot ID host NAME: command" as journaled by self_poweroff: ID, NAME
// (empty when the record has no host: journals written before it had one).
std::string boot_of(const std::string& detail);
std::string host_of_poweroff(const std::string& detail);
// This machine's host name (gethostname), empty when it cannot be read.
std::string this_host_name();

/// A record of an action that may have changed the cluster or what the
/// operator knows of it (a step record, a pause, a resume, a skip, the
/// run's start), as opposed to phase and gate bookkeeping: gate evidence
/// counts only from after the last one.
bool is_action(JournalEvent event);

class Executor::Impl {
 public:
  Impl(Context context, std::string run_id, Journal journal, std::vector<JournalRecord> history,
       ExecutorOptions options);

  ~Impl();

  void start(std::function<void(RunOutcome)> done);

  RunSnapshot snapshot() const;

 private:
  // ---- journal ----------------------------------------------------------
  void append(JournalEvent event, const std::string& phase, const std::string& step,
              const std::string& detail);
  void append_step(JournalEvent event, const Phase& phase, int number, const std::string& detail);

  StepState step_state(const std::string& phase, int number) const;

  bool phase_done(const std::string& phase) const;

  // The detail of the self-poweroff record written after the step's last
  // start, if any: then the command may have run.
  std::optional<std::string> self_poweroff_record(const std::string& phase, int number) const;

  bool gate_passed(const std::string& phase, const std::string& gate) const;

  void skip_phases_before(const std::string& from);

  // ---- driving ------------------------------------------------------------
  void advance();

  void report(const std::string& line) { ctx_.person.report(line); }
  // " (answered by uid 0 (root) pid 42 on /dev/pts/1)" for the answer just
  // given, journaled with it; empty when the operator cannot tell.
  std::string answered_by() const {
    if (ctx_.person.gave_no_answer()) return " (no answer: the operator's input ended)";
    const std::string who = ctx_.person.answered_by();
    return who.empty() ? std::string() : " (answered by " + who + ")";
  }

  void next();

  void next_phase();

  void next_item();

  void finish(RunOutcome outcome);

  // ---- gates --------------------------------------------------------------
  // `after_remedy`: the same wait goes on after a remedy (no new
  // gate-waiting record; the timeout counts from the wait's start).
  void wait_gate(const Phase& phase, const std::string& name, bool after_remedy = false);
  /// The current phase's steps are over: every check of the next phase's
  /// `require` gates runs now, so that their evidence, which counts from
  /// the run's last action, starts there rather than at each check's next
  /// interval.
  void warm_next_gates();

  void gate_done(const Phase& phase, const Gate& gate, GateOutcome outcome,
                 const GateStatus& status);

  void gate_timed_out(const Phase& phase, const Gate& gate, const GateStatus& status,
                      const std::string& why);

  // Keeps RUN/gate-status (run_gate_status.h) while gate_wait_ waits on
  // `gate`, whose wait the journal's record of `since_ms` started.
  void keep_gate_status(const Phase& phase, const Gate& gate, std::int64_t since_ms);
  // ---- remedies (executor_remedy.cpp) --------------------------------------
  // Automatic attempts journaled for this gate since its last timeout (or
  // the phase's start).
  int remedies_made(const std::string& phase, const std::string& gate) const;
  // A remedy started and never finished (a crash): journaled as
  // interrupted; the step in flight is not run again, the steps that never
  // started run now (they restore what the first ones stopped), then
  // `then`. False when there is none (`then` is not called).
  bool finish_interrupted_remedy(const Phase& phase, const std::string& gate,
                                 std::function<void()> then);
  void arm_remedy(const Phase& phase, const Gate& gate, milliseconds delay);
  void disarm_remedy();
  RemedyObjects objects_keeping_red(const Gate& gate, const GateStatus& status) const;
  void remedy_due(const Phase& phase, const Gate& gate);
  void run_remedy(const Phase& phase, const Gate& gate, const RemedyObjects& objects,
                  const std::string& head, std::function<void()> then);
  void remedy_step(const Phase& phase, const Gate& gate, std::size_t index,
                   std::shared_ptr<std::vector<std::string>> failures, std::function<void()> then);
  // The operator's "remedy" at a gate's pause.
  void remedy_from_pause(const Phase& phase, const Gate& gate);

  // ---- pauses -------------------------------------------------------------
  void ask(const Pause& pause, std::function<void(const Decision&)> go_on);

  void leave_paused(const Phase& phase, int number, const std::string& why);

  // ---- steps --------------------------------------------------------------
  void step(const Phase& phase, int number);

  // ---- the commands of an interrupted step (executor_interrupted.cpp) ---
  void interrupted(const Phase& phase, int number, const Step& s);

  // A local command of step `number` started as process group `pid`: journaled.
  void local_started(const Phase& phase, int number, const std::string& node, int pid);

  // Executor::stop.
  std::size_t stop(const std::string& why, milliseconds grace);

  void execute(const Phase& phase, int number, std::optional<std::string> only_nodes);
  // What the approval of a step's change shows: a run or power step with
  // its nodes and its command as they would run now (`only_nodes` for a
  // retry of the failed ones); else, or when it cannot be resolved yet,
  // the step as written.
  std::string change_to_approve(const Step& s, const std::optional<std::string>& only_nodes);

  void step_done(const Phase& phase, int number, const std::string& summary);

  void ask_operator(const Phase& phase, int number, const Step& s);

  void save_group(const Phase& phase, int number, const Step& s);

  void install_saved_groups();

  // The run's exclusions (`--exclude`), null when none.
  const NodeSet* excluded() const { return excluded_.empty() ? nullptr : &excluded_; }
  // Journals the exclusions and imported groups this process was given.
  void record_run_options();
  void refresh_groups() {
    if (options_.refresh_groups) options_.refresh_groups();
  }
  // `gate` as this run waits on it now: its checks' node sets with the
  // run's exclusions removed and dynamic groups resolved (gate_for_run).
  const Gate& resolved_gate(const Gate& gate);

  Endpoint self_endpoint() const;

  void run_on_nodes(const Phase& phase, int number, const Step& s,
                    const std::optional<std::string>& only_nodes);
  // Asks the operator to approve the run's first change, `shown` as it
  // resolves now; `before`: what an earlier question showed, when the
  // step's resolution changed while it was open (empty the first time).
  void approve_first_change(const Phase& phase, int number, std::optional<std::string> only_nodes,
                            std::string shown, const std::string& before);
  bool groups_fresh_ = false;  ///< refreshed for the approval just given

  struct Attempt {
    std::vector<detail::Job> jobs;
    std::vector<std::string> order;
    std::map<std::string, RunResult> latest;
    int retries_left = 0;
  };

  void launch(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt,
              std::vector<detail::Job> jobs);

  void attempted(const Phase& phase, int number, const Step& s, std::shared_ptr<Attempt> attempt);

  void step_failed(const Phase& phase, int number, const std::string& reason,
                   const std::string& failed_nodes);

  void step_failed_pause(const Phase& phase, int number, const std::string& reason,
                         const std::string& failed_nodes);

  void self_poweroff(const Phase& phase, int number, const Step& s);

  Context ctx_;
  std::string run_id_;
  Journal journal_;
  std::vector<JournalRecord> records_;
  /// When this process journaled the run's last action (is_action), to the
  /// clock's precision: gate evidence counts from then. Unset until this
  /// process journals one (the journal's millisecond is used meanwhile).
  std::optional<std::chrono::system_clock::time_point> last_action_at_;
  RunState state_;
  ExecutorOptions options_;
  std::function<void(RunOutcome)> done_;

  std::size_t phase_ = 0;
  Stage stage_ = Stage::kRequire;
  std::size_t item_ = 0;
  bool phase_open_ = false;
  bool finished_ = false;
  bool cluster_change_approved_ = false;
  bool waiting_for_operator_ = false;
  RunOutcome outcome_ = RunOutcome::kPaused;

  std::unique_ptr<GateWait> gate_wait_;
  std::string gate_;
  Clock::time_point gate_started_{};
  GateStatus last_gate_status_;
  // Declared after gate_wait_: destroyed first, removing the file.
  std::unique_ptr<RunGateStatusWriter> gate_status_;
  asio::steady_timer retry_timer_;
  asio::steady_timer remedy_timer_;
  std::uint64_t remedy_generation_ = 0;
  std::map<std::string, std::string> saved_groups_;
  NodeSet excluded_;
  std::map<std::string, Gate> resolved_gates_;
  std::map<std::string, Clock::time_point> phase_started_, phase_finished_;
  std::map<std::pair<std::string, int>, Clock::time_point> step_started_;
  std::map<std::pair<std::string, int>, milliseconds> step_durations_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // The process groups the running step started here (cleared when a step ends).
  struct LiveGroup {
    std::string phase;
    int number = 0;
    ProcessGroupMark mark;  ///< taken when it started: its id may be reused once it ends
  };
  std::vector<LiveGroup> live_groups_;

  friend class Executor;
};

}  // namespace greenlight::runbook
