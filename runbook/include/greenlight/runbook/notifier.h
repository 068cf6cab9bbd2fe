// Notifications of a run's pauses, failures and end.
//
// While a restart takes Prometheus and Alertmanager down, greenlight itself
// tells people: the site's `notify` command (a mail, a chat webhook through
// curl, a pager) runs on greenlight's own host for each journal record that
// is a pause, a failure (a step failed, a gate timed out), the run's end or
// its abort. One owner for runs executed in the terminal's process and in
// greenlight serve alike: the Notifier hears of records through the
// journal's observer (Journal::on_append), so whoever holds the journal is
// told of the same transitions.
//
// The command runs through `/bin/sh -c` with the run's facts in its
// environment only (GREENLIGHT_RUN, GREENLIGHT_EVENT, ...): nothing from the
// run is ever put into the command's text. Its environment is built from
// scratch (PATH, HOME, LANG, TZ, USER, LOGNAME and the GREENLIGHT_ values),
// so greenlight's own secrets (IPMI_PASSWORD, tokens) never reach it. It
// runs under the process runner's deadline (its whole process group is
// ended at `timeout`) and never holds the run up: the run goes on, or stays
// paused, whatever the command does. Its outcome is journaled as a
// `notified` record (replay passes over it) and logged; a failure is a
// warning, never the run's.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/asio.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {

/// What a notify command is told of a run besides each record's facts.
struct NotifyRun {
  std::string run;         ///< the run's id (GREENLIGHT_RUN)
  std::string runbook;     ///< its runbook's name (GREENLIGHT_RUNBOOK)
  std::string status_url;  ///< the status page (GREENLIGHT_STATUS_URL)
  std::string host;        ///< greenlight's host (GREENLIGHT_HOST)
};

/// The notify event a journal record is ("paused", "failed", "finished",
/// "aborted", "asking": the words of config::notify_events()), or nothing.
/// "asking": the run waits for an answer (the approval of the first
/// change, a confirm or manual step started).
std::optional<std::string> notify_event_of(const JournalRecord& record);

/// The status page's URL for notifications: `notify: {status_url}` when
/// set, else http(s)://ADDRESS:PORT/ from the exporter's `listen` (`host`
/// in place of a wildcard address 0.0.0.0).
std::string notify_status_url(const config::Site& site, const std::string& host);

/// greenlight's host as notifications name it: the site's self host, else
/// the kernel's host name.
std::string notify_host(const config::Site& site);

/// The NotifyRun of run `run` of runbook `runbook` on `site`: its status
/// URL and host as notify_status_url and notify_host give them.
NotifyRun notify_run(const config::Site& site, std::string run, std::string runbook);

/// The whole environment of the notify command for `record` (told as
/// `event`): "NAME=value" strings, GREENLIGHT_RUN, _RUNBOOK, _EVENT, _PHASE,
/// _STEP (a step's number, empty for a gate), _GATE (a gate's name, for a
/// gate timed out), _REASON (the record's detail, at most 4 KiB), _STATUS_URL,
/// _HOST, _TIME (the record's time, RFC 3339 UTC), and from greenlight's own
/// environment only PATH, HOME, LANG, TZ, USER and LOGNAME.
std::vector<std::string> notify_environment(const NotifyRun& run, const std::string& event,
                                            const JournalRecord& record);

/// What notify_outcome reads of a process's result.
struct ProcessResultView {
  std::string described;  ///< ProcessResult::describe()
  bool ok = false;        ///< exited 0
  std::string err;        ///< standard error
};

/// The journal detail of a notification's outcome: ProcessResult::describe()
/// and, unless it exited 0, the first 300 bytes of its standard error on
/// one line.
std::string notify_outcome(const ProcessResultView& result);

/// Runs the site's notify command for a run's pauses, failures and end.
/// Lives on the io_context's thread (every call, every callback); the
/// commands it started finish (and are journaled) even after it is gone.
class Notifier {
 public:
  /// `settings.command` empty: the notifier does nothing.
  Notifier(asio::io_context& io, config::NotifySettings settings, NotifyRun run);
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  ~Notifier();

  /// Makes `journal` tell this notifier of each record (after `also`, the
  /// observer it had, e.g. serve's log), and the outcomes be journaled in
  /// it while it is open. Once it is closed, the outcome of an end
  /// (finished, aborted) is appended by opening the journal again, unless
  /// another process holds the run; any other is only logged.
  void watch(Journal& journal, std::function<void(const JournalRecord&)> also = {});
  /// Calls `done` (on the io_context's thread) once no command of this
  /// notifier runs: now when none does. At most `timeout` plus the kill
  /// grace later.
  void when_idle(std::function<void()> done);
  /// Commands started and not yet finished.
  std::size_t running() const;

 private:
  struct State;
  static void start_notification(const std::shared_ptr<State>& state, const JournalRecord& record);
  std::shared_ptr<State> state_;
};

}  // namespace greenlight::runbook
