// Local processes on an asio::io_context.
//
// A process starts with posix_spawn in its own process group, standard
// input from /dev/null (or the given data), no descriptor but 0-2 inherited,
// signals reset; standard output and error are read without blocking up to a
// cap; a deadline sends SIGTERM to the whole group, then SIGKILL after a
// grace. Completion is seen through a pidfd, so nothing waits on SIGCHLD.
// When the command exits, anything it left behind in its group is killed:
// a check or a step never leaves stray processes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/asio.h"

namespace greenlight {

struct ProcessSpec {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH
  /// "NAME=value", exactly these; nullopt: greenlight's own environment.
  std::optional<std::vector<std::string>> env;
  std::string cwd;                             ///< empty: greenlight's
  std::optional<std::string> input;            ///< written to standard input
  std::chrono::milliseconds timeout{0};        ///< 0: none
  std::chrono::milliseconds kill_grace{2000};  ///< between SIGTERM and SIGKILL
  std::size_t output_cap = 4 * 1024 * 1024;    ///< per stream; the rest is dropped
  /// When set, called on the io_context's thread with each chunk of
  /// standard output as it is read, cap or no cap, before `done`.
  std::function<void(std::string_view)> on_output;
  /// Called once, on the io_context's thread, right after the process
  /// started, with its pid (which is also its process group's id); the
  /// process cannot have been reaped yet, so /proc/PID still describes it.
  std::function<void(int pid)> started;
};

struct ProcessResult {
  enum class Outcome { kExited, kSignaled, kTimedOut, kSpawnFailed };
  Outcome outcome = Outcome::kSpawnFailed;
  int exit_code = -1;  ///< kExited
  int signal = 0;      ///< kSignaled (also the signal that ended a timed-out process)
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
  std::string error;  ///< kSpawnFailed: why
  std::chrono::milliseconds duration{0};
  /// kTimedOut: the main process had ended (or ended at the deadline's
  /// signal) but a descendant outside its process group still held stdout or
  /// stderr; the pipes were closed at the deadline.
  bool output_held = false;

  bool ok() const { return outcome == Outcome::kExited && exit_code == 0; }
  /// "exit 2", "killed by signal 9", "timed out after 5s", "cannot start: ..."
  std::string describe() const;
};

/// Ends a process start_process started, before its deadline and as its
/// deadline would (its result is kTimedOut): SIGTERM to its group, SIGKILL
/// after `grace`, output a descendant outside the group still holds cut off
/// once the group is gone. Does nothing once the process finished. Thread:
/// the io_context's.
using EndProcess = std::function<void(std::chrono::milliseconds grace)>;

/// Starts `spec` on `io`; `done` runs on the io_context's thread, exactly
/// once, after the process was reaped and its output read. The returned
/// function ends it early (an interrupt); it may be dropped.
EndProcess start_process(asio::io_context& io, ProcessSpec spec,
                         std::function<void(ProcessResult)> done);

/// Runs `spec` to completion on a private io_context (for command-line
/// tools and tests).
ProcessResult run_process(ProcessSpec spec);

/// Ends every process group this process started that still runs: SIGTERM
/// to each group, then SIGKILL to those still there after `grace`. For an
/// orderly stop (SIGINT, SIGTERM, an abort): a command greenlight started
/// never outlives it unobserved. Returns the number of groups signalled.
/// Blocks up to `grace`; any thread.
std::size_t end_running_processes(std::chrono::milliseconds grace);

/// What identifies a process group beyond greenlight's own life (recorded
/// in a run's journal, read back by another process after a crash): its id,
/// the boot it runs in and its leader's start time, so that an id the kernel
/// gave again to another process is not mistaken for it.
struct ProcessGroupMark {
  int pgid = 0;
  std::string boot_id;            ///< /proc/sys/kernel/random/boot_id
  std::uint64_t start_ticks = 0;  ///< the leader's start, clock ticks after boot (/proc/PID/stat)
};

/// This boot of the host ("unknown" when it cannot be read).
std::string current_boot_id();

/// The mark of the group led by `pid`, now (start_ticks 0 when /proc/PID
/// cannot be read).
ProcessGroupMark mark_process_group(int pid);

/// A process of the marked group that still runs (not a zombie) on this
/// boot: its pid, the leader's when it lives. Nothing when the group is gone,
/// the host rebooted, or the id now belongs to another process.
std::optional<int> process_group_alive(const ProcessGroupMark& mark);

/// Ends the given process groups: SIGTERM to each that still runs as
/// marked (process_group_alive: a group id the kernel gave to someone else
/// since is left alone), then SIGKILL to those still there after `grace`.
/// Returns, for each group that was running, the last signal sent (SIGTERM
/// or SIGKILL), by pgid. Blocks up to `grace`, then up to 2 s more for
/// killed members to be gone; any thread.
std::map<int, int> end_process_groups(const std::vector<ProcessGroupMark>& groups,
                                      std::chrono::milliseconds grace);

}  // namespace greenlight
