// The journal of a run: one line per transition, appended and flushed to
// disk (fdatasync) before the transition is acted upon, so that a run
// survives a crash, a SIGKILL or the executor's own host powering off.
//
// Line format (text, greppable):  SEQ <TAB> UNIX_MS <TAB> EVENT <TAB> PHASE
// <TAB> STEP <TAB> DETAIL <TAB> CHECKSUM, fields escaped (\t, \n, \\), the
// checksum (FNV-1a 64, hex) covering the rest of the line. A last line cut
// short by a crash is ignored on replay; damage anywhere else is an error
// naming the line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace greenlight::runbook {

enum class JournalEvent {
  kRunStarted,  ///< detail: runbook name
  kPhaseStarted,
  kGateWaiting,  ///< step field: gate name
  kGateGreen,
  kGateTimedOut,
  kStepStarted,   ///< step field: step number (1-based)
  kStepFinished,  ///< detail: summary
  kStepFailed,    ///< detail: reason
  kStepSkipped,   ///< detail: the operator's reason
  kSelfPoweroff,  ///< the executor's host is going down now
  kPhaseFinished,
  kRunPaused,  ///< detail: why
  kRunResumed,
  kRunAborted,  ///< detail: why
  kRunFinished,
  kGateSkipped,   ///< step field: gate name; detail: the operator's reason
  kPhaseSkipped,  ///< detail: why (`--from`)
  /// step field: a folded node set removed from every step and gate of the
  /// run (`--exclude`); detail: who excluded it.
  kNodesExcluded,
  /// step field: a group of the run's `run` source (NAME of @run:NAME);
  /// detail: "NODES from run RUN" (`--from-run`), NODES folded.
  kRunGroupImported,
  /// A local command of the step started: "pgid=N pid=N boot=ID start=TICKS
  /// node=NODE" (step_processes.h), to tell after a crash whether it still runs.
  kStepProcess,
  /// An orderly stop ended a step's process group: "pgid=N signal=TERM|KILL: why".
  kStepProcessEnded,
  /// The step's command was sent over SSH to these nodes (detail: a folded node set).
  kStepRemote,
  /// The operator adopted an edited runbook for this paused run
  /// (run_adoption.h): what follows restates the run in the new runbook's terms.
  kRunAdopted,
  /// A gate's remedy starts (step field: the gate): "attempt N of M: OBJECTS"
  /// or "by the operator: OBJECTS" (remedy.h says how objects read).
  kRemedyStarted,
  /// One remedy step ran (step field: the gate): "step N run on NODES:
  /// COMMAND: ok on K nodes" or "...: failed on NODES (reason)" or "step N
  /// skipped: SET is empty".
  kRemedyStep,
  /// The remedy ended (step field: the gate): "ok", "failed: ..." or
  /// "interrupted: ..." (greenlight stopped during it; never run again).
  kRemedyFinished,
  /// The site's notify command ran for an earlier record (notifier.h):
  /// step field: the event it told of (paused, failed, finished, aborted);
  /// detail: "exit 0", "exit N: STDERR", "timed out after 10s: STDERR" or
  /// "cannot start: ...". Says nothing of the run: replay passes over it.
  kNotified,
  /// The fingerprint of an outline the run follows (run_outline.h), when
  /// the run starts and before an adoption's record: step field: the
  /// outline's file name in the run's directory ("outline", "outline.12");
  /// detail: "sha256:HEX" of its bytes. Resume refuses an outline whose
  /// bytes no longer match.
  kRunOutline,
  /// Before the first step that changes the cluster, the operator is asked
  /// to approve it: phase and step of that step; detail: what it would do
  /// ("run on top[2-3] (2 nodes): umount ..."). Says nothing of the step's
  /// own state (replay passes over it).
  kApprovalAsked,
  /// The first change approved: detail "approved (answered by ...)", or
  /// "approved in advance with --yes (by ...)". Phase and step as above.
  kChangeApproved,
};

const char* to_string(JournalEvent event);

struct JournalRecord;
/// True when the run waits for an answer after `record`: the approval of
/// the first change asked, or a confirm or manual step started (its detail
/// "confirm: TEXT" / "manual: TEXT", as describe_step writes it). One
/// answer for status and the notifier.
bool asks_operator(const JournalRecord& record);
std::optional<JournalEvent> journal_event_from(std::string_view name);

struct JournalRecord {
  std::uint64_t sequence = 0;
  std::int64_t unix_ms = 0;
  JournalEvent event = JournalEvent::kRunStarted;
  std::string phase;
  std::string step;
  std::string detail;
};

/// A damaged journal: names the file, the line and what is wrong.
/// readable(): the records before the damage (read_journal), which
/// `runbook log` still shows.
class JournalError : public std::runtime_error {
 public:
  explicit JournalError(const std::string& message, std::vector<JournalRecord> readable = {})
      : std::runtime_error(message), readable_(std::move(readable)) {}
  const std::vector<JournalRecord>& readable() const { return readable_; }

 private:
  std::vector<JournalRecord> readable_;
};

class JournalAppender;

/// Appends records to one run's journal. Owns the file descriptor (closed
/// when the journal goes, even while a JournalAppender refers to it). One
/// writer per journal; not synchronised.
class Journal {
 public:
  /// Creates a new journal (fails if it exists) and syncs its directory.
  static Journal create(const std::filesystem::path& path);
  /// Opens an existing journal to append after replaying it.
  static Journal open(const std::filesystem::path& path);
  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  /// Writes the record and waits until it is on disk. Throws JournalError
  /// (with errno's text) when it cannot: the caller must not act then.
  const JournalRecord& append(JournalEvent event, std::string phase = {}, std::string step = {},
                              std::string detail = {});
  const std::filesystem::path& path() const { return path_; }
  /// `observer` (may be empty) is called with each record once it is on
  /// disk, before append returns, on append's thread; it moves with the
  /// journal. greenlight serve logs a run's transitions through it, and the
  /// notifier hears of pauses, failures and ends through it.
  void on_append(std::function<void(const JournalRecord&)> observer);
  /// A handle appending to this journal for as long as it stays open
  /// (wherever the journal is moved), for a record that comes later than
  /// the transition it concerns (a notification's outcome). Same thread as
  /// the journal's writer.
  JournalAppender appender() const;

 private:
  friend class JournalAppender;
  struct File {
    std::filesystem::path path;
    int fd = -1;
    std::uint64_t next_sequence = 1;
    JournalRecord last;
    std::function<void(const JournalRecord&)> observer;
    File() = default;
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    ~File();
  };
  Journal(std::filesystem::path path, int fd, std::uint64_t next_sequence);
  static const JournalRecord& append_to(File& file, JournalEvent event, std::string phase,
                                        std::string step, std::string detail);
  std::filesystem::path path_;
  std::shared_ptr<File> file_;
};

/// Appends to a journal while the Journal it came from is open; never keeps
/// it open. Copyable; the journal's writer thread only.
class JournalAppender {
 public:
  JournalAppender() = default;
  /// False (nothing written) when the journal was closed; throws
  /// JournalError like Journal::append when the write fails.
  bool append(JournalEvent event, std::string phase, std::string step, std::string detail) const;

 private:
  friend class Journal;
  explicit JournalAppender(std::weak_ptr<Journal::File> file) : file_(std::move(file)) {}
  std::weak_ptr<Journal::File> file_;
};

/// Reads a journal back. A torn last line is dropped; anything else that
/// does not parse throws JournalError.
std::vector<JournalRecord> read_journal(const std::filesystem::path& path);

enum class StepState { kNotStarted, kStarted, kFinished, kFailed, kSkipped };

/// What a journal says about a run: where it stands and what needs the
/// operator before it can go on.
struct RunState {
  std::string runbook;
  bool finished = false;
  bool aborted = false;
  bool paused = false;
  std::map<std::string, std::map<int, StepState>> steps;  ///< phase -> step number -> state
  std::vector<std::string> finished_phases;               ///< finished or skipped, in order
  std::vector<std::string> skipped_phases;                ///< skipped (also in finished_phases)
  /// phase -> gate -> the reason it was skipped (those gates are also in passed_gates)
  std::map<std::string, std::map<std::string, std::string>> skipped_gates;
  std::map<std::string, std::vector<std::string>>
      passed_gates;  ///< phase -> gates green or skipped
  std::map<std::string, std::map<int, std::string>> step_details;  ///< last detail per step
  std::string pause_reason;   ///< why the run paused last (when paused)
  std::string abort_reason;   ///< the detail of its abort (when aborted)
  std::string current_phase;  ///< started, not finished; empty when none
  /// Steps recorded as started and never finished: they may or may not have
  /// run, so they are never re-run without the operator (unless idempotent).
  std::vector<std::pair<std::string, int>> interrupted_steps;
  /// The host went down on purpose: a self-poweroff record with no step
  /// record or resume after it.
  bool self_poweroff_pending = false;
  /// Node sets excluded from the run (`--exclude`), in order, with who
  /// excluded each.
  std::vector<std::pair<std::string, std::string>> exclusions;
  /// @run: groups imported from an earlier run (`--from-run`): name -> folded nodes.
  std::map<std::string, std::string> imported_groups;
  /// The outline file (in the run's directory) of the runbook last adopted
  /// (`resume --adopt`); empty: the run's own, `outline`.
  std::string adopted_outline;
  /// The journaled fingerprint of each outline file (kRunOutline): file
  /// name -> "sha256:HEX". Empty for runs started before fingerprints.
  std::map<std::string, std::string> outline_fingerprints;
  std::uint64_t last_sequence = 0;
};

RunState replay(const std::vector<JournalRecord>& records);

}  // namespace greenlight::runbook
