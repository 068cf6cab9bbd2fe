// The control socket of `greenlight serve`: a Unix stream socket (mode 0600,
// or 0660 with the configured group) through which local users submit and
// follow runs. Every connection is checked with SO_PEERCRED: root, the
// daemon's own user and members of the configured group only; anyone else
// gets one error line and the connection closes.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/control/protocol.h"
#include "greenlight/core/asio.h"

namespace greenlight::control {

/// Who is at the other end of a connection (SO_PEERCRED, and the
/// supplementary groups from /proc/PID/status).
struct Peer {
  int pid = 0;
  unsigned uid = 0;
  unsigned gid = 0;
  std::vector<unsigned> groups;
  /// "uid 0 (root) pid 4242", for messages and the journal; a client in a
  /// PID namespace serve cannot see has pid 0 and is said to be outside it.
  std::string describe() const;
};

/// Who may use the socket besides root.
struct Access {
  unsigned owner = 0;                ///< the daemon's own user
  std::optional<unsigned> group;     ///< members (primary or supplementary) may connect
  std::string group_name;            ///< for messages
};

/// Empty when `peer` may use the socket at `path`; otherwise the refusal,
/// in words for the refused user.
std::string refusal(const Peer& peer, const Access& access, const std::filesystem::path& path);

/// One accepted client. Lives as long as someone holds it or an operation
/// on it is in flight. Use on the io_context's thread only.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual const Peer& peer() const = 0;
  /// Starts reading: `on_line` for each line (without '\n'), `on_closed`
  /// once when the client goes away (or after close()).
  virtual void start(std::function<void(const std::string&)> on_line,
                     std::function<void()> on_closed) = 0;
  /// Queues the event; lines go out in order. Ignored once closed. A client
  /// that lets more than 8 MiB pile up is disconnected.
  virtual void send(const Event& event) = 0;
  /// Closes after the queued lines are written.
  virtual void close() = 0;
  virtual bool closed() const = 0;
};

class ControlSocket {
 public:
  using OnConnection = std::function<void(std::shared_ptr<Connection>)>;

  /// Makes the parent directory (0755) when missing, replaces a socket
  /// nobody answers on, binds, sets the mode and group, and accepts on `io`.
  /// Throws std::runtime_error naming the path and the reason (another
  /// process answers there, not a socket, permission...). Each refused
  /// connection is logged (warning, greenlight/core/log.h) naming who (uid,
  /// user, pid); accepted ones go to `on_connection`, whose requests
  /// DaemonRuns logs.
  ControlSocket(asio::io_context& io, std::filesystem::path path, Access access,
                OnConnection on_connection);
  /// Stops accepting and removes the socket file.
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  struct Listener;
  std::filesystem::path path_;
  std::unique_ptr<Listener> listener_;
};

/// Whether something answers on the socket at `path` (a connect succeeds).
bool answers(const std::filesystem::path& path);

}  // namespace greenlight::control
