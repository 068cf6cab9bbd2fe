// The gate a run waits on and why it is red, kept in the run's directory
// (RUN/gate-status) by the process executing the run, so that `greenlight
// runbook status RUN` in any other process can say it. The reasons live in
// the executor's memory (its terminal, serve's status page and /api/v1/gates
// show them); this file is their copy on disk, and this module its only
// writer and reader.
//
// The executor writes it when a gate starts waiting, again whenever it has
// news: a check's verdict, nodes or the words of its reason changed at
// once; a change of figures only (a heal count going down, an uptime
// counting up) or of the evidence's time at most every 30 s. It is written
// whole (a temporary file synced to disk, then renamed over it) and removed
// when the gate opens, times out, or the run stops. A process killed
// meanwhile leaves it behind: a reader trusts it only when it names the
// process holding the run and the wait the journal's last record started.
//
// Format (text, one record a line, fields separated by tabs and escaped as
// in the journal):
//   greenlight-gate-status 1
//   pid         TAB PID                 the process executing the run
//   gate        TAB NAME
//   phase       TAB NAME
//   since       TAB UNIX_MS             the journal's gate-waiting record
//   stable_for  TAB MS                  the gate's: how long its checks must stay green
//   written     TAB UNIX_MS
//   check       TAB NAME TAB VERDICT TAB EVIDENCE_UNIX_MS TAB NODES TAB REASON
// VERDICT is OK, WARNING, CRITICAL, UNKNOWN, or "-" when the check has no
// result since the gate started waiting (EVIDENCE_UNIX_MS is then 0).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {

/// What RUN/gate-status says.
struct RunGateStatus {
  struct Check {
    std::string name;              ///< the check's name in the site
    std::string verdict;           ///< "OK", "WARNING", "CRITICAL", "UNKNOWN", or "-" (no result)
    std::int64_t evidence_ms = 0;  ///< when its result was complete (unix ms); 0 without one
    std::string nodes;             ///< gate_check_nodes(): "on top1: peers=top[1-3]"
    std::string reason;            ///< the check's message, or why it has no result
    friend bool operator==(const Check&, const Check&) = default;
  };
  int pid = 0;
  std::string gate;
  std::string phase;
  std::int64_t since_ms = 0;  ///< the unix ms of the journal's gate-waiting record
  std::int64_t stable_for_ms = 0;
  std::int64_t written_ms = 0;
  std::vector<Check> checks;  ///< in the gate's order
  friend bool operator==(const RunGateStatus&, const RunGateStatus&) = default;
};

/// A gate-status file that cannot be read: names the file (when known), the
/// line and what is wrong.
class RunGateStatusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The file's text for `status` (pure).
std::string format_run_gate_status(const RunGateStatus& status);
/// `text` read back (pure). Throws RunGateStatusError "line N: ..." when a
/// line is not what the format says, a field is missing or not a number, or
/// the first line is not the format's.
RunGateStatus parse_run_gate_status(std::string_view text);

/// RUN_DIRECTORY/gate-status: nothing when there is none; throws
/// RunGateStatusError naming the file when it cannot be read or parsed.
std::optional<RunGateStatus> read_run_gate_status(const std::filesystem::path& run_directory);

/// Writes RUN_DIRECTORY/gate-status whole: RUN_DIRECTORY/gate-status.tmp,
/// synced to disk, then renamed over it. Throws std::runtime_error naming
/// the file and errno's text.
void write_run_gate_status(const std::filesystem::path& run_directory, const RunGateStatus& status);

/// Removes RUN_DIRECTORY/gate-status (and a temporary copy) if present;
/// never throws.
void remove_run_gate_status(const std::filesystem::path& run_directory) noexcept;

/// Keeps RUN/gate-status while one gate waits: the executor's side. Not
/// thread-safe: used on the io_context's thread. Removes the file when
/// destroyed.
class RunGateStatusWriter {
 public:
  /// `head`: pid, gate, phase, since_ms, stable_for_ms, and one check per
  /// check of the gate in its order with `name` and `nodes` set (the rest
  /// is filled from each GateStatus). Writes nothing yet.
  RunGateStatusWriter(std::filesystem::path run_directory, RunGateStatus head);
  ~RunGateStatusWriter();
  RunGateStatusWriter(const RunGateStatusWriter&) = delete;
  RunGateStatusWriter& operator=(const RunGateStatusWriter&) = delete;

  /// Reads `status` (GateWait's, its checks in the gate's order) at wall
  /// time `now`; writes the file when it has news (see the top of this
  /// header) and returns true then. Returns false when nothing was worth
  /// writing. A file that cannot be written is not retried before the next
  /// news; its error is in error() (empty once a write succeeds).
  bool update(const GateStatus& status, std::chrono::system_clock::time_point now);
  const std::string& error() const { return error_; }
  /// What the file holds (or would, when it could not be written).
  const RunGateStatus& written() const { return current_; }

 private:
  std::filesystem::path run_directory_;
  RunGateStatus current_;
  std::string last_words_;  ///< verdicts, nodes and reasons without figures
  std::string last_full_;   ///< everything but `written`
  std::chrono::system_clock::time_point last_write_{};
  bool ever_written_ = false;
  std::string error_;
};

/// What `greenlight runbook status RUN` says about the wait that `waiting`
/// (the journal's last record, a gate-waiting one) started, while process
/// `holder` executes the run: one line per check of RUN_DIRECTORY/gate-status
/// with its verdict, nodes, reason and the age of its evidence at `now`, or
/// one line saying why it is not known (no file, a file of an earlier wait
/// or process, a damaged file). Lines are not indented; never throws.
std::vector<std::string> explain_gate_wait(const std::filesystem::path& run_directory,
                                           const JournalRecord& waiting, int holder,
                                           std::chrono::system_clock::time_point now);

}  // namespace greenlight::runbook
