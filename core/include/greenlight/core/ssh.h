// Commands over SSH (libssh 0.10), behind the CommandRunner interface.
//
// Threading: a bounded pool of worker threads, each driving one libssh session
// at a time in blocking mode; the io_context thread never blocks. Chosen over
// non-blocking sessions on the io_context because libssh 0.10 resolves names
// with a blocking getaddrinfo inside ssh_connect, its non-blocking connect,
// key exchange and authentication are state machines that must be re-entered
// on every wake-up (and data buffered inside libssh does not make the socket
// readable again), while the cost that matters here (key exchange and
// signatures, a few hundred microseconds of CPU per host) is the same either
// way. A session is owned by exactly one thread at a time: it is taken out of
// the idle pool by the worker that runs a command on it and put back when the
// command is over, so no session is ever shared between threads. Results are
// posted back to the io_context, where `done` runs.
//
// Sessions are kept per (user, address, port) and reused by later commands of
// the same SshRunner (one runbook run, one `greenlight exec`); a kept session
// that went away is reconnected once, transparently, before the command is
// sent. A command is never sent twice.
//
// A command's timeout is one deadline from the moment run() queues it: the
// wait for a free worker, the connection and the command itself all count.
// A command still queued when its deadline passes is never sent (kTimeout,
// "waiting for a free SSH connection slot").
//
// Host keys are checked against one known_hosts file, strictly by default: an
// unknown or changed key refuses the host (RunStatus::kHostKey, the reason
// names the host, says which, and gives the offered key's fingerprint and
// those recorded for the host). With `accept_new`, an unknown key is
// recorded and accepted; a changed key is always refused.
//
// Nothing ever prompts: a key that needs a passphrase fails authentication
// on that host (RunStatus::kAuth, saying so), and the agent's connection is
// cut when authentication outlives the connect timeout (an agent asking its
// user to confirm), so no host holds a worker longer than that.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/runner.h"

namespace greenlight {

struct SshOptions {
  std::string user = "root";                ///< when the endpoint names none
  /// Empty: the agent, then ~/.ssh/id_*. A key needing a passphrase is
  /// never unlocked: it fails.
  std::vector<std::string> identity_files;
  std::string known_hosts = "/etc/greenlight/known_hosts";
  bool accept_new = false;  ///< record unknown host keys
  std::chrono::milliseconds connect_timeout{10'000};
  /// Threads, hence sessions busy at once, for commands other than
  /// readings (Command::reading: checks).
  int workers = 64;
  /// Threads beyond `workers` that only readings use. A queued reading
  /// starts before any queued other command, and also takes a thread of
  /// `workers` that no other command is queued for. Neither starves the
  /// other: at most `workers` step commands hold threads, whatever their
  /// number and length, and readings borrow none while a step command
  /// waits.
  int reading_workers = 8;
};

/// The category of a failed connection, from libssh's error text.
RunStatus classify_connect_error(std::string_view libssh_error);

/// Host key verdicts, as ssh_session_is_known_server answers them.
enum class HostKeyState { kKnown, kChanged, kOtherType, kUnknown, kNoFile, kError };
/// The words an operator reads when a host key refuses a host ("" when known).
std::string describe_host_key(HostKeyState state, std::string_view host,
                              std::string_view known_hosts);

class SshRunner : public CommandRunner {
 public:
  SshRunner(asio::io_context& io, SshOptions options);
  /// Stops the workers, closes every session. Commands still running end with
  /// their channel closed; their `done` is not called after destruction.
  ~SshRunner() override;
  SshRunner(const SshRunner&) = delete;
  SshRunner& operator=(const SshRunner&) = delete;

  /// Thread: the io_context's. `endpoint.address` empty: the node's name;
  /// `endpoint.user` empty: options.user.
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;

  /// Closes the channels of running commands (they end as kInterrupted)
  /// and refuses queued ones (kCannotStart, "not started: interrupted").
  /// Any thread.
  void interrupt() override;

  /// Sessions opened so far (reconnections included), for tests and benchmarks.
  std::size_t connections_opened() const;

  struct Pool;

 private:
  std::shared_ptr<Pool> pool_;
};

}  // namespace greenlight
