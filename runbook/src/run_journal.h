// The run's journal as the executor holds it while it executes the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// A record of an action that may have changed the cluster or what the
/// operator knows of it (a step record, a pause, a resume, a skip, the
/// run's start), as opposed to phase and gate bookkeeping: gate evidence
/// counts only from after the last one.
bool is_action(JournalEvent event);

/// The run's journal (the file, fsync'd before anything acts on a record),
/// every record it holds, their replay (RunState), and when this process
/// journaled the run's last action. Owned by Executor::Impl, which its
/// parts append through; called on the io_context's thread.
class RunJournal {
 public:
  /// `history`: what `journal` held when it was opened (empty for a new run).
  RunJournal(Journal journal, std::vector<JournalRecord> history);

  /// Journals the record, then replays: throws JournalError, and then
  /// nothing is to act on it.
  void append(JournalEvent event, const std::string& phase, const std::string& step,
              const std::string& detail);
  /// A record of step `number` (1-based) of `phase`.
  void append_step(JournalEvent event, const Phase& phase, int number, const std::string& detail);
  /// Written to the file only, neither held nor replayed: an orderly stop,
  /// after which the executor does nothing more.
  void append_at_stop(JournalEvent event, const std::string& phase, const std::string& step,
                      const std::string& detail);

  /// Ends what a step of the current phase that started and never ended
  /// still runs locally (end_interrupted_steps, run_abort.h: each end
  /// journaled with `why`), then holds the journal as written; returns the
  /// lines for the operator. Blocks up to `grace` plus 2 s. Throws
  /// JournalError.
  std::vector<std::string> end_interrupted_steps(
      const std::string& why, std::chrono::milliseconds grace = std::chrono::seconds(2));

  const std::vector<JournalRecord>& records() const { return records_; }
  const RunState& state() const { return state_; }
  /// The run's directory: its journal, outline and gate-status files.
  std::filesystem::path run_directory() const { return journal_.path().parent_path(); }

  StepState step_state(const std::string& phase, int number) const;
  /// The step's last detail journaled; empty when none.
  std::string step_detail(const std::string& phase, int number) const;
  bool phase_done(const std::string& phase) const;
  bool gate_passed(const std::string& phase, const std::string& gate) const;
  /// The detail of the self-poweroff record written after the step's last
  /// start, if any: then the command may have run.
  std::optional<std::string> self_poweroff_record(const std::string& phase, int number) const;
  /// When the journal's last wait on `gate` began (its gate-waiting record,
  /// unix ms); 0 when none.
  std::int64_t waiting_since(const std::string& gate) const;
  /// From when a gate's evidence counts: the instant this process journaled
  /// the run's last action (is_action), else the end of the millisecond of
  /// the journal's last one; nullopt when the journal holds none.
  std::optional<std::chrono::system_clock::time_point> last_action() const;

 private:
  Journal journal_;
  std::vector<JournalRecord> records_;
  RunState state_;
  /// Unset until this process journals an action: the journal's millisecond
  /// is used meanwhile.
  std::optional<std::chrono::system_clock::time_point> last_action_at_;
};

}  // namespace greenlight::runbook
