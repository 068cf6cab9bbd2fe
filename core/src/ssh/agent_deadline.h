// A deadline for the SSH agent. libssh talks to the agent with blocking
// reads that wait forever: an agent that asks its user to confirm a key
// (ssh-add -c) or hangs would hold a worker, and the command, without end.
// greenlight connects to the agent itself, hands the socket to libssh and
// shuts it down when authentication outlives the connect timeout: libssh's
// read then ends, the agent's keys fail, and the host fails with a reason.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

struct ssh_session_struct;

namespace greenlight::detail {

/// Lives on the stack of the thread that authenticates `session`, for the
/// time of the authentication. Does nothing without $SSH_AUTH_SOCK or when
/// the agent cannot be reached (libssh then finds no agent either).
class AgentDeadline {
 public:
  AgentDeadline(ssh_session_struct* session, std::chrono::milliseconds limit);
  /// Stops watching; the socket stays libssh's.
  ~AgentDeadline();
  AgentDeadline(const AgentDeadline&) = delete;
  AgentDeadline& operator=(const AgentDeadline&) = delete;

  /// True once the agent's connection was cut because the deadline passed.
  bool cut() const { return cut_.load(); }

 private:
  int watched_ = -1;  // our duplicate of the agent socket libssh reads
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::atomic<bool> cut_{false};
  std::thread watch_;
};

}  // namespace greenlight::detail
