#include "ssh/agent_deadline.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "ssh/libssh_api.h"

namespace greenlight::detail {
namespace {

int connect_agent() {
  const char* path = std::getenv("SSH_AUTH_SOCK");
  if (path == nullptr || *path == '\0') return -1;
  sockaddr_un address{};
  if (std::strlen(path) >= sizeof address.sun_path) return -1;
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

AgentDeadline::AgentDeadline(ssh_session_struct* session, std::chrono::milliseconds limit) {
  const int fd = connect_agent();
  if (fd < 0) return;
  // Our own descriptor of the socket: shutting it down reaches libssh's,
  // and it can never be a descriptor libssh closed and another thread reused.
  watched_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (watched_ < 0 || libssh().ssh_set_agent_socket(session, fd) != SSH_OK) {
    ::close(fd);
    if (watched_ >= 0) ::close(watched_);
    watched_ = -1;
    return;
  }
  watch_ = std::thread([this, limit] {
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, limit, [this] { return done_; })) return;
    cut_ = true;
    ::shutdown(watched_, SHUT_RDWR);
  });
}

AgentDeadline::~AgentDeadline() {
  if (watch_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    watch_.join();
  }
  if (watched_ >= 0) ::close(watched_);
}

}  // namespace greenlight::detail
