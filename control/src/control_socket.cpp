#include "greenlight/control/control_socket.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "greenlight/core/log.h"

namespace greenlight::control {
namespace {

using Local = asio::local::stream_protocol;
constexpr std::size_t kMaxQueued = 8 * 1024 * 1024;

std::vector<unsigned> supplementary_groups(int pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Groups:", 0) != 0) continue;
    std::istringstream words(line.substr(7));
    std::vector<unsigned> out;
    unsigned gid = 0;
    while (words >> gid) out.push_back(gid);
    return out;
  }
  return {};
}

Peer peer_of(int fd) {
  Peer peer;
  struct ucred credentials {};
  socklen_t size = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0) {
    peer.pid = credentials.pid;
    peer.uid = credentials.uid;
    peer.gid = credentials.gid;
    peer.groups = supplementary_groups(credentials.pid);
  } else {
    peer.uid = static_cast<unsigned>(-1);  // unknown: refused below
    peer.gid = static_cast<unsigned>(-1);
  }
  return peer;
}

class SocketConnection : public Connection,
                         public std::enable_shared_from_this<SocketConnection> {
 public:
  SocketConnection(Local::socket socket, Peer peer)
      : socket_(std::move(socket)), peer_(std::move(peer)) {}

  const Peer& peer() const override { return peer_; }

  void start(std::function<void(const std::string&)> on_line,
             std::function<void()> on_closed) override {
    on_line_ = std::move(on_line);
    on_closed_ = std::move(on_closed);
    read();
  }

  void send(const Event& event) override {
    if (closed_ || closing_) return;
    queued_bytes_ += queue_.emplace_back(encode(event)).size();
    if (queued_bytes_ > kMaxQueued) return shut();  // the client stopped reading
    if (queue_.size() == 1) write();
  }

  void close() override {
    if (closed_) return;
    closing_ = true;
    if (queue_.empty()) shut();
  }

  bool closed() const override { return closed_ || closing_; }

 private:
  void read() {
    asio::async_read_until(
        socket_, asio::dynamic_buffer(buffer_, kMaxLine + 1), '\n',
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t size) {
          if (self->closed_) return;
          if (ec) {
            if (ec == asio::error::not_found) {
              Event error;
              error.kind = Event::Kind::kError;
              error.message = fmt::format("line longer than {} bytes", kMaxLine);
              // A refused request is logged once, like any other.
              log::warning("control: a request from {}: refused: {}", self->peer_.describe(),
                           error.message);
              self->send(error);
              return self->close();
            }
            return self->shut();
          }
          std::string line = self->buffer_.substr(0, size - 1);
          self->buffer_.erase(0, size);
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (self->on_line_) self->on_line_(line);
          if (!self->closed_) self->read();
        });
  }

  void write() {
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](const boost::system::error_code& ec,
                                                  std::size_t) {
                        if (self->closed_) return;
                        if (ec) return self->shut();
                        self->queued_bytes_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) return self->write();
                        if (self->closing_) self->shut();
                      });
  }

  void shut() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(Local::socket::shutdown_both, ignored);
    socket_.close(ignored);
    queue_.clear();
    if (auto done = std::move(on_closed_)) done();
    on_line_ = nullptr;
  }

  Local::socket socket_;
  Peer peer_;
  std::string buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool closing_ = false;
  bool closed_ = false;
  std::function<void(const std::string&)> on_line_;
  std::function<void()> on_closed_;
};

void make_parent(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  if (parent.empty() || std::filesystem::exists(parent)) return;
  std::filesystem::create_directories(parent);
  std::filesystem::permissions(parent, std::filesystem::perms::owner_all |
                                           std::filesystem::perms::group_read |
                                           std::filesystem::perms::group_exec |
                                           std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
}

}  // namespace

std::string Peer::describe() const {
  // getpwuid_r: serve answers several clients from its threads.
  std::string user = "no user name";
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr)
    user = found->pw_name;
  // The kernel reports pid 0 for a client in a PID namespace serve cannot see.
  return fmt::format("uid {} ({}) {}", uid, user,
                     pid > 0 ? fmt::format("pid {}", pid)
                             : std::string("pid unknown (a process outside serve's PID namespace)"));
}

std::string refusal(const Peer& peer, const Access& access, const std::filesystem::path& path) {
  if (peer.uid == 0 || peer.uid == access.owner) return {};
  if (access.group && (peer.gid == *access.group ||
                       std::find(peer.groups.begin(), peer.groups.end(), *access.group) !=
                           peer.groups.end())) {
    return {};
  }
  return fmt::format(
      "greenlight serve refuses {}: only root{}{} may use the control socket {}", peer.describe(),
      access.owner != 0 ? fmt::format(", uid {}", access.owner) : std::string(),
      access.group ? fmt::format(" and the members of group {}",
                                 access.group_name.empty() ? std::to_string(*access.group)
                                                           : access.group_name)
                   : std::string(),
      path.string());
}

bool answers(const std::filesystem::path& path) {
  asio::io_context io;
  Local::socket socket(io);
  boost::system::error_code ec;
  socket.connect(Local::endpoint(path.string()), ec);
  return !ec;
}

struct ControlSocket::Listener {
  Listener(asio::io_context& io, Access a, OnConnection on)
      : acceptor(io), access(std::move(a)), on_connection(std::move(on)) {}
  Local::acceptor acceptor;
  Access access;
  OnConnection on_connection;
  std::filesystem::path path;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  void accept() {
    acceptor.async_accept([this, alive_now = alive](const boost::system::error_code& ec,
                                                    Local::socket peer_socket) {
      if (!*alive_now || ec == asio::error::operation_aborted) return;
      if (!ec) {
        Peer peer = peer_of(peer_socket.native_handle());
        auto connection = std::make_shared<SocketConnection>(std::move(peer_socket), peer);
        if (std::string why = refusal(peer, access, path); !why.empty()) {
          // Its request is never read: the refusal is the one line logged.
          log::warning("control: a connection: refused: {}", why);
          Event error;
          error.kind = Event::Kind::kError;
          error.message = why;
          connection->start({}, {});
          connection->send(error);
          connection->close();
        } else {
          on_connection(connection);
        }
      }
      accept();
    });
  }
};

ControlSocket::ControlSocket(asio::io_context& io, std::filesystem::path path, Access access,
                             OnConnection on_connection)
    : path_(std::move(path)),
      listener_(std::make_unique<Listener>(io, std::move(access), std::move(on_connection))) {
  if (path_.string().size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw std::runtime_error(fmt::format("control socket {}: the path is longer than {} bytes",
                                         path_.string(), sizeof(sockaddr_un{}.sun_path) - 1));
  }
  make_parent(path_);
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw std::runtime_error(fmt::format("{} exists and is not a socket", path_.string()));
    if (answers(path_)) {
      throw std::runtime_error(
          fmt::format("another process (greenlight serve?) answers on {}", path_.string()));
    }
    ::unlink(path_.c_str());  // left by a serve that did not stop cleanly
  }
  listener_->path = path_;
  auto& acceptor = listener_->acceptor;
  acceptor.open(Local());
  // The socket must never exist with a wider mode than configured, even briefly.
  const mode_t old_mask = ::umask(0177);
  boost::system::error_code ec;
  acceptor.bind(Local::endpoint(path_.string()), ec);
  ::umask(old_mask);
  if (ec) {
    throw std::runtime_error(
        fmt::format("control socket {}: cannot bind: {}", path_.string(), ec.message()));
  }
  const auto& group = listener_->access.group;
  if (group) {
    if (::chown(path_.c_str(), static_cast<uid_t>(-1), *group) != 0 ||
        ::chmod(path_.c_str(), 0660) != 0) {
      const int error = errno;
      ::unlink(path_.c_str());
      throw std::runtime_error(fmt::format("control socket {}: cannot give it to group {}: {}",
                                           path_.string(), listener_->access.group_name,
                                           std::strerror(error)));
    }
  }
  acceptor.listen(16);
  listener_->accept();
}

ControlSocket::~ControlSocket() {
  *listener_->alive = false;
  boost::system::error_code ignored;
  listener_->acceptor.close(ignored);
  ::unlink(path_.c_str());
}

}  // namespace greenlight::control
