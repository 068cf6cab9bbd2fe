#include "greenlight/core/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>

extern char** environ;

namespace greenlight {
namespace {

using Clock = std::chrono::steady_clock;

// The process groups started here and not yet reaped, for
// end_running_processes().
std::mutex live_mutex;
std::set<pid_t> live_groups;

void track(pid_t group, bool running) {
  std::lock_guard<std::mutex> lock(live_mutex);
  if (running) {
    live_groups.insert(group);
  } else {
    live_groups.erase(group);
  }
}

// Owns a descriptor until handed to asio.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

struct Pipe {
  Fd read, write;
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read.fd = fds[0];
    write.fd = fds[1];
    return true;
  }
};

class Running : public std::enable_shared_from_this<Running> {
 public:
  Running(asio::io_context& io, ProcessSpec spec, std::function<void(ProcessResult)> done)
      : io_(io),
        spec_(std::move(spec)),
        done_(std::move(done)),
        out_(io),
        err_(io),
        in_(io),
        pidfd_(io),
        deadline_(io),
        grace_(io) {}

  void start() {
    started_ = Clock::now();
    std::string why;
    if (!spawn(why)) {
      result_.outcome = ProcessResult::Outcome::kSpawnFailed;
      result_.error = why;
      asio::post(io_, [self = shared_from_this()] { self->finish(); });
      return;
    }
    read(out_, out_buffer_, result_.out, result_.out_truncated, out_open_, &spec_.on_output);
    read(err_, err_buffer_, result_.err, result_.err_truncated, err_open_, nullptr);
    if (spec_.input) {
      asio::async_write(in_, asio::buffer(*spec_.input),
                        [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
                          boost::system::error_code ignored;
                          self->in_.close(ignored);
                        });
    }
    pidfd_.async_wait(
        asio::posix::stream_descriptor::wait_read,
        [self = shared_from_this()](const boost::system::error_code&) { self->reap(); });
    if (spec_.started) spec_.started(pid_);
    if (spec_.timeout.count() > 0) {
      deadline_.expires_after(spec_.timeout);
      deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->expire();
      });
    }
  }

  // Ended before its deadline, as the deadline would end it.
  void end_now(std::chrono::milliseconds grace) {
    if (finished_ || timed_out_ || pid_ <= 0) return;
    deadline_.cancel();
    expire(grace);
  }

 private:
  bool spawn(std::string& why) {
    if (spec_.argv.empty()) {
      why = "empty command";
      return false;
    }
    Pipe out, err, in;
    if (!out.open() || !err.open() || (spec_.input && !in.open())) {
      why = fmt::format("cannot create pipes: {}", std::strerror(errno));
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (spec_.input) {
      posix_spawn_file_actions_adddup2(&actions, in.read.fd, 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out.write.fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write.fd, 2);
    if (!spec_.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec_.cwd.c_str());
    // Not every library marks its descriptors close-on-exec (Asio's sockets,
    // CivetWeb's): a command must not inherit serve's listening sockets, or
    // one left running after serve died keeps them (a new serve then finds
    // its control socket answered, its port taken).
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    std::vector<char*> argv;
    for (auto& arg : spec_.argv) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    if (spec_.env)
      for (auto& var : *spec_.env) envp.push_back(var.data());
    envp.push_back(nullptr);
    const int error = posix_spawnp(&pid_, argv[0], &actions, &attributes, argv.data(),
                                   spec_.env ? envp.data() : environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (error != 0) {
      why = fmt::format("cannot start {}: {}", spec_.argv[0], std::strerror(error));
      return false;
    }
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) {
      // Without a pidfd the process cannot be watched: stop it now.
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      why = fmt::format("cannot watch {}: pidfd_open: {}", spec_.argv[0], std::strerror(errno));
      return false;
    }
    track(pid_, true);
    pidfd_.assign(pidfd);
    out_.assign(out.read.release());
    err_.assign(err.read.release());
    if (spec_.input) in_.assign(in.write.release());
    out_open_ = err_open_ = true;
    return true;
  }

  // `tee`, when it holds a function, gets every chunk read, cap or no cap.
  void read(asio::posix::stream_descriptor& stream, std::array<char, 65536>& buffer,
            std::string& sink, bool& truncated, bool& open,
            const std::function<void(std::string_view)>* tee) {
    stream.async_read_some(
        asio::buffer(buffer), [self = shared_from_this(), &stream, &buffer, &sink, &truncated,
                               &open, tee](const boost::system::error_code& ec, std::size_t n) {
          if (n > 0 && tee != nullptr && *tee) (*tee)(std::string_view(buffer.data(), n));
          if (n > 0) {
            const std::size_t room =
                self->spec_.output_cap > sink.size() ? self->spec_.output_cap - sink.size() : 0;
            sink.append(buffer.data(), std::min(n, room));
            if (n > room) truncated = true;
          }
          if (ec) {
            boost::system::error_code ignored;
            stream.close(ignored);
            open = false;
            self->maybe_finish();
            return;
          }
          self->read(stream, buffer, sink, truncated, open, tee);
        });
  }

  void reap() {
    // The leader is a zombie now: its pid cannot be reused, so killing the
    // group cannot hit another process. Leftovers go, then the leader is reaped.
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = status;
    exited_ = true;
    track(pid_, false);
    boost::system::error_code ignored;
    pidfd_.close(ignored);
    if (timed_out_ && (out_open_ || err_open_)) {
      // Cut at its deadline: the group is dead, so its end of the pipes is
      // closed or about to be; what is left to read comes within moments.
      // Output still open after that is held by a process outside the
      // group, and is cut off then.
      grace_.cancel();
      grace_.expires_after(kDrain);
      grace_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && !self->finished_) self->close_output();
      });
      return;
    }
    maybe_finish();
  }

  // The deadline covers the whole command, descendants included: one that
  // left the process group (setsid, a daemon that kept stdout) and still
  // holds the output when the deadline passes is cut off by closing the
  // pipes; its next write gets EPIPE.
  void close_output() {
    held_output_ = out_open_ || err_open_;
    boost::system::error_code ignored;
    out_.close(ignored);
    err_.close(ignored);
    out_open_ = err_open_ = false;
    maybe_finish();
  }

  /// How long output may take to reach its end once a command cut at its
  /// deadline has exited.
  static constexpr std::chrono::milliseconds kDrain{200};

  void expire() { expire(spec_.kill_grace); }
  void expire(std::chrono::milliseconds grace) {
    timed_out_ = true;
    if (exited_) return close_output();
    ::kill(-pid_, SIGTERM);
    grace_.expires_after(grace);
    grace_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && !self->exited_) ::kill(-self->pid_, SIGKILL);
    });
  }

  void maybe_finish() {
    if (exited_ && !out_open_ && !err_open_) finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    grace_.cancel();
    result_.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    if (result_.outcome != ProcessResult::Outcome::kSpawnFailed || pid_ > 0) {
      if (WIFSIGNALED(status_)) {
        result_.signal = WTERMSIG(status_);
        result_.outcome = ProcessResult::Outcome::kSignaled;
      } else {
        result_.exit_code = WEXITSTATUS(status_);
        result_.outcome = ProcessResult::Outcome::kExited;
      }
      if (timed_out_) {
        result_.outcome = ProcessResult::Outcome::kTimedOut;
        result_.output_held = held_output_;
      }
    }
    auto done = std::move(done_);
    done(std::move(result_));
  }

  asio::io_context& io_;
  ProcessSpec spec_;
  std::function<void(ProcessResult)> done_;
  ProcessResult result_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false, finished_ = false, timed_out_ = false, out_open_ = false, err_open_ = false,
       held_output_ = false;
  asio::posix::stream_descriptor out_, err_, in_, pidfd_;
  asio::steady_timer deadline_, grace_;
  std::array<char, 65536> out_buffer_{}, err_buffer_{};
  Clock::time_point started_;
};

std::string seconds(std::chrono::milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000)
                                : fmt::format("{}ms", ms.count());
}

}  // namespace

std::string ProcessResult::describe() const {
  switch (outcome) {
    case Outcome::kExited:
      return fmt::format("exit {}", exit_code);
    case Outcome::kSignaled:
      return fmt::format("killed by signal {} ({})", signal, strsignal(signal));
    case Outcome::kTimedOut:
      return output_held ? fmt::format(
                               "timed out after {}: a process it started (outside its "
                               "process group) still held its output",
                               seconds(duration))
                         : fmt::format("timed out after {}", seconds(duration));
    case Outcome::kSpawnFailed:
      return error;
  }
  return "?";
}

EndProcess start_process(asio::io_context& io, ProcessSpec spec,
                         std::function<void(ProcessResult)> done) {
  auto running = std::make_shared<Running>(io, std::move(spec), std::move(done));
  running->start();
  return [weak = std::weak_ptr<Running>(running)](std::chrono::milliseconds grace) {
    if (auto self = weak.lock()) self->end_now(grace);
  };
}

std::size_t end_running_processes(std::chrono::milliseconds grace) {
  // Groups here are not reaped yet: their ids are still theirs.
  std::vector<ProcessGroupMark> groups;
  {
    std::lock_guard<std::mutex> lock(live_mutex);
    for (const pid_t group : live_groups) groups.push_back(mark_process_group(group));
  }
  return end_process_groups(groups, grace).size();
}

ProcessResult run_process(ProcessSpec spec) {
  asio::io_context io;
  ProcessResult result;
  start_process(io, std::move(spec), [&](ProcessResult r) { result = std::move(r); });
  io.run();
  return result;
}

}  // namespace greenlight
