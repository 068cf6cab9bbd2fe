// One libssh session, used by one thread at a time (see greenlight/core/ssh.h).
#pragma once

#include <libssh/callbacks.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <shared_mutex>
#include <string>

#include "greenlight/core/runner.h"
#include "greenlight/core/ssh.h"

struct ssh_session_struct;

namespace greenlight::detail {

struct SshTarget {
  std::string node;
  std::string address;
  int port = 22;
  std::string user;
  std::string key() const;  ///< user@address:port, the pool's key
};

/// Why a connection was not made, as a RunStatus and words.
struct SshFailure {
  RunStatus status = RunStatus::kUnreachable;
  std::string reason;
};

class SshSession {
 public:
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  /// Connects, checks the host key, authenticates. Blocking, bounded by the
  /// connect timeout. `known_hosts_lock` orders reads and appends of the
  /// known_hosts file between threads.
  static std::unique_ptr<SshSession> open(const SshTarget& target, const SshOptions& options,
                                          std::shared_mutex& known_hosts_lock, SshFailure& failure);

  enum class Outcome {
    kDone,         ///< the command ran; result filled; the session is reusable
    kNotStarted,   ///< no channel could be opened: the command was not sent
    kLost,         ///< the connection broke during the command
    kTimedOut,     ///< deadline passed; channel closed; the session is reusable
    kInterrupted,  ///< interrupt flag seen; channel closed
    kNotSent,      ///< interrupt flag seen before the command was sent
  };
  /// Runs `command`, filling out/err/exit code in `result`. Blocking until
  /// the command ends, `deadline`, or `interrupted`.
  Outcome exec(const Command& command, std::chrono::steady_clock::time_point deadline,
               const std::atomic<bool>& interrupted, RunResult& result);

  bool connected() const;

 private:
  SshSession(ssh_session_struct* session, std::chrono::milliseconds connect_timeout)
      : session_(session), connect_timeout_(connect_timeout) {}
  ssh_session_struct* session_;
  std::chrono::milliseconds connect_timeout_;
  // libssh keeps a pointer to the callbacks: they live as long as the session.
  ssh_callbacks_struct callbacks_{};
  bool passphrase_asked_ = false;
};

}  // namespace greenlight::detail
