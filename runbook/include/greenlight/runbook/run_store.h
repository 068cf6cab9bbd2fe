// Runs on disk: one directory per run under the state directory
// (`runbooks: {runs: DIR}`, default /var/lib/greenlight/runs), holding the
// run's journal and, while a process executes the run, its lock.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {

class RunStore {
 public:
  explicit RunStore(std::filesystem::path root) : root_(std::move(root)) {}

  /// Makes the directory of a new run of `runbook`, named
  /// RUNBOOK-YYYYMMDD-HHMMSS (UTC, suffixed -2, -3... when taken), and
  /// returns the run's name. Creates the state directory when missing.
  /// Throws std::filesystem::filesystem_error.
  std::string create(const std::string& runbook) const;
  /// The runbook a run's name (as create() makes it) was made for; empty
  /// when `run` is not such a name. Pure.
  static std::string runbook_of(const std::string& run);
  /// Every run's name, sorted by name.
  std::vector<std::string> list() const;
  bool exists(const std::string& run) const;
  std::filesystem::path journal(const std::string& run) const;
  /// The records of `run`'s journal, read to tell where the run stands
  /// (status, log, resume). Throws JournalError when the journal does not
  /// parse (read_journal), and when it holds no record while no process
  /// holds the run (RunLock): the run was created but its start never
  /// reached the disk, so nothing can be said of it (abort closes it). An
  /// empty journal of a run a process holds is returned empty: that
  /// process is starting it. Any thread.
  std::vector<JournalRecord> records(const std::string& run) const;
  std::filesystem::path directory(const std::string& run) const { return root_ / run; }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

/// Held while a process executes a run: an exclusive flock on RUN/lock
/// holding the process id. Released when destroyed (or when the process
/// dies, whatever the way).
class RunLock {
 public:
  /// Locks the run's directory itself (flock(2) on it: the lock goes only
  /// with the process or the directory, never with a file an operator
  /// removes) and writes this process's id to RUN/lock. Throws
  /// std::runtime_error naming the process that holds the run.
  static RunLock acquire(const std::filesystem::path& run_directory);
  /// The process id holding the run, 0 when nobody executes it, -1 when
  /// a process holds it whose id RUN/lock no longer says.
  static int holder(const std::filesystem::path& run_directory);
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

 private:
  RunLock(int directory_fd, int fd) : directory_fd_(directory_fd), fd_(fd) {}
  int directory_fd_ = -1;
  int fd_ = -1;
};

}  // namespace greenlight::runbook
