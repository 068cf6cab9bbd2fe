// Command runners: one interface to run a command on a node, locally or
// elsewhere, so that checks and runbook steps do not care where it runs, and
// tests and `runbook plan` can swap the real thing for a fake or a dry run.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/asio.h"

namespace greenlight {

/// Reads a command's standard output as it arrives, so that an output too
/// large to hold (a heal listing of millions of entries) is read in bounded
/// memory: each byte is given once, in order, whatever the runner.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  /// The next bytes of standard output (never empty). Called one call at a
  /// time by the thread that reads the output: the io_context's for a
  /// local command, an SSH worker's for a remote one; never after the
  /// command's `done` was called, so `done`'s thread may read the sink's
  /// state. Must not block: the command's reading waits on it.
  virtual void write(std::string_view bytes) = 0;
};

/// Where a command runs.
struct Endpoint {
  std::string node;     ///< the node's name, as in node sets
  std::string address;  ///< where to connect; empty: the node's name
  int port = 22;
  std::string user;
  bool local = false;  ///< the host greenlight runs on: run without SSH
};

/// What to run. A command is an argv; `shell_line` commands (runbook steps
/// written as shell text) run through /bin/sh -c locally and as they are
/// over SSH.
struct Command {
  std::vector<std::string> argv;
  bool shell_line = false;
  std::chrono::milliseconds timeout{60'000};
  /// Bytes of each stream kept in RunResult::out and ::err; the rest is
  /// read and dropped (RunResult::truncated), never left to block the
  /// command.
  std::size_t output_cap = 4 * 1024 * 1024;
  /// When set, every byte of standard output also goes to it as it arrives,
  /// cap or no cap (RunResult::out still keeps the first output_cap bytes,
  /// a head for messages). Shared: the caller keeps it to read its state
  /// once `done` was called.
  std::shared_ptr<OutputSink> output_sink;
  /// A check's command, which only reads the node (checks' run_check sets
  /// it): runners that queue give readings capacity of their own, taken
  /// before any other command's, so that a step's fan-out over hundreds of
  /// nodes never starves the checks its gates wait on (SshOptions::
  /// reading_workers).
  bool reading = false;
  std::optional<std::string> input;
  /// Local commands only: the names of greenlight's environment the command
  /// does not get (a check's secrets, config::secret_environment()); empty:
  /// it gets the whole of it. Over SSH none of greenlight's environment is
  /// sent.
  std::vector<std::string> withheld_environment;
  /// Local commands only: called on the io_context's thread right after the
  /// process started, with its pid (= its process group's id), for callers
  /// that record what they started (a runbook step). Empty: not called.
  std::function<void(int pid)> started;

  static Command shell(std::string line);
  static Command program(std::vector<std::string> argv);
  /// The command as an operator reads it (argv words shell-quoted when needed).
  std::string text() const;
};

/// How a command ended, in the categories an operator acts on.
enum class RunStatus {
  kOk,
  kExit,
  kSignal,
  kTimeout,  ///< the command outlived its deadline (queue time included)
  /// No session within the connect timeout (TCP, key exchange,
  /// authentication): nothing was sent.
  kConnectTimeout,
  kRefused,      ///< the connection was refused: nothing was sent
  kUnreachable,  ///< no connection, or lost before the command was sent
  kAuth,         ///< authentication failed: nothing was sent
  kHostKey,      ///< host key refused: nothing was sent
  kCannotStart,
  /// The connection closed after the command was sent and before its exit
  /// status came back: what `poweroff` or `reboot` over SSH does.
  kClosed,
  /// greenlight was told to stop (CommandRunner::interrupt: Ctrl-C, an
  /// orderly stop) while the command ran: it was ended (its channel closed,
  /// its process group sent SIGTERM then SIGKILL). A command the interrupt
  /// kept from starting is kCannotStart, "not started: interrupted".
  kInterrupted
};
const char* to_string(RunStatus status);

struct RunResult {
  std::string node;
  std::string command;
  RunStatus status = RunStatus::kCannotStart;
  int exit_code = -1;
  std::string out;
  std::string err;
  bool truncated = false;
  std::string reason;  ///< why, in words: "exit 2", "connection refused", ...
  std::chrono::milliseconds duration{0};
  /// The command's Command::output_sink, which read the whole of standard
  /// output (out then holds only its head): handed back by checks'
  /// run_check so that a verdict reads what the sink gathered. Runners
  /// leave it empty.
  std::shared_ptr<OutputSink> output_sink;

  bool ok() const { return status == RunStatus::kOk; }
  /// True when the node itself could not be reached, timed out (connecting
  /// or running), or closed the connection (clush's 255).
  bool unreachable() const;
};

/// Runs commands on endpoints. Results come back on the io_context's thread.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// Starts `command` on `endpoint`; `done` is called exactly once.
  virtual void run(const Endpoint& endpoint, const Command& command,
                   std::function<void(RunResult)> done) = 0;
  /// Stops everything this runner runs or holds queued, for good: running
  /// commands end as RunStatus::kInterrupted (SSH channels closed, local
  /// process groups sent SIGTERM, then SIGKILL after 500 ms), queued and
  /// later ones never start (kCannotStart, "not started: interrupted"),
  /// nor does one whose connection was being made. A remote command whose
  /// channel is closed gets no signal (no terminal is asked for), as with
  /// ssh(1) and clush. Each `done` is still called once. Thread: the
  /// io_context's. Default: nothing to stop (runners that answer at once).
  virtual void interrupt() {}
};

/// greenlight's environment ("NAME=value") without the variables `withheld`
/// names. Reads `environ`: call it where nothing changes the environment
/// meanwhile (the io_context's thread).
std::vector<std::string> environment_without(const std::vector<std::string>& withheld);

/// Runs every command on this host (for `local` endpoints and local checks).
class LocalRunner : public CommandRunner {
 public:
  explicit LocalRunner(asio::io_context& io);
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;
  /// Ends the process groups this runner started that still run (SIGTERM,
  /// SIGKILL after the grace; not blocking); see CommandRunner::interrupt.
  void interrupt() override;

  struct Running;

 private:
  asio::io_context& io_;
  std::shared_ptr<Running> running_;
};

/// Answers every command with "cannot start" and a fixed reason: stands for
/// a transport this greenlight does not have (SSH), so that a check on such
/// a host reports why instead of silently passing.
class RefusingRunner : public CommandRunner {
 public:
  RefusingRunner(asio::io_context& io, std::string reason) : io_(io), reason_(std::move(reason)) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;

 private:
  asio::io_context& io_;
  std::string reason_;
};

/// Records what would run and touches nothing: every command "succeeds"
/// with empty output. For `runbook plan` and dry runs.
class DryRunRunner : public CommandRunner {
 public:
  explicit DryRunRunner(asio::io_context& io) : io_(io) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;
  /// "node: command" lines in the order they were asked for.
  const std::vector<std::string>& recorded() const { return recorded_; }

 private:
  asio::io_context& io_;
  std::vector<std::string> recorded_;
};

/// Scripted answers for unit tests: the first rule whose node matches (or is
/// empty) and whose text is contained in the command answers; no rule: ok.
class FakeRunner : public CommandRunner {
 public:
  struct Rule {
    std::string node;
    std::string command_contains;
    RunResult answer;  ///< node and command are filled in
  };
  explicit FakeRunner(asio::io_context& io) : io_(io) {}
  void answer(Rule rule) { rules_.push_back(std::move(rule)); }
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;
  const std::vector<std::string>& recorded() const { return recorded_; }

 private:
  asio::io_context& io_;
  std::vector<Rule> rules_;
  std::vector<std::string> recorded_;
};

/// Results gathered by identical output and exit code, as `clush -b` prints
/// them: the folded node set of each group, groups in order of first node.
struct GatheredOutput {
  std::string nodes;  ///< folded node set
  std::string out;
  RunStatus status;
  int exit_code;
  std::string reason;
  std::size_t count;
};
std::vector<GatheredOutput> gather_identical(const std::vector<RunResult>& results);

}  // namespace greenlight
