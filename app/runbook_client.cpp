#include "runbook_client.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include "runbook_commands.h"
#include "runbook_terminal.h"

namespace greenlight::app {
namespace {

// One blocking connection to the daemon; owns its descriptor.
class DaemonLink {
 public:
  explicit DaemonLink(int fd) : fd_(fd) {}
  ~DaemonLink() {
    if (fd_ >= 0) ::close(fd_);
  }
  DaemonLink(const DaemonLink&) = delete;
  DaemonLink& operator=(const DaemonLink&) = delete;

  bool send(const control::Request& request) {
    const std::string line = control::encode(request);
    std::size_t sent = 0;
    while (sent < line.size()) {
      const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// The next event; nullopt when the daemon closed the connection. Throws
  /// ProtocolError on a line that is not an event.
  std::optional<control::Event> next() {
    for (;;) {
      if (const auto end = buffer_.find('\n'); end != std::string::npos) {
        const std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return control::decode_event(line);
      }
      if (buffer_.size() > control::kMaxLine)
        throw control::ProtocolError("greenlight serve sent a line too long");
      char chunk[16384];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

enum class Reach { kConnected, kNobody, kDenied, kBroken };

Reach connect_to(const std::filesystem::path& path, int& fd, std::string& why) {
  fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    why = std::strerror(errno);
    return Reach::kBroken;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.size() >= sizeof address.sun_path) {
    ::close(fd);
    fd = -1;
    why = "the path is too long for a Unix socket";
    return Reach::kBroken;
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
    return Reach::kConnected;
  const int error = errno;
  ::close(fd);
  fd = -1;
  why = std::strerror(error);
  if (error == ENOENT || error == ECONNREFUSED || error == ENOTDIR) return Reach::kNobody;
  return error == EACCES || error == EPERM ? Reach::kDenied : Reach::kBroken;
}

// Ctrl-C (SIGHUP, SIGTERM) detaches: the process ends, the daemon sees the connection close
// and the run goes on. Only async-signal-safe calls in the handler.
char detach_message[512];
std::size_t detach_message_size = 0;

void on_interrupt(int) {
  ::signal(SIGPIPE, SIG_IGN);  // the terminal may be gone: exit 5 all the same
  [[maybe_unused]] const ssize_t ignored = ::write(STDOUT_FILENO, detach_message, detach_message_size);
  ::_exit(kRunDetached);
}

void detach_on_interrupt(const std::string& run) {
  const std::string message = fmt::format(
      "\ndetached: run {} goes on in greenlight serve; follow it again with: greenlight runbook "
      "attach {}\n",
      run, run);
  detach_message_size = std::min(message.size(), sizeof detach_message);
  std::memcpy(detach_message, message.data(), detach_message_size);
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  // The terminal or the SSH session lost (SIGHUP), or the client stopped
  // (SIGTERM): it detaches the same way; the run goes on in serve.
  ::sigaction(SIGHUP, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

// Asks the question at the terminal (TerminalOperator, as for a run in this
// process) and sends the answer back. False when standard input ended before
// a person answered: nothing is sent, the question stays open for another
// terminal, and the caller detaches.
bool ask(DaemonLink& link, const std::string& run, const control::Question& question) {
  asio::io_context io;
  TerminalOperator person(io, std::cout);
  control::Request answer;
  answer.kind = control::Request::Kind::kAnswer;
  answer.run = run;
  answer.question = question.id;
  auto send_yes_no = [&link, &person, answer](bool yes) mutable {
    if (person.input_ended()) return;
    answer.yes = yes;
    link.send(answer);
  };
  switch (question.kind) {
    case control::Question::Kind::kConfirm:
      person.confirm(question.text, send_yes_no);
      break;
    case control::Question::Kind::kAcknowledge:
      person.acknowledge(question.text, send_yes_no);
      break;
    case control::Question::Kind::kDecide:
      person.decide(question.pause, [&link, &person, answer](runbook::Decision decision) mutable {
        if (person.input_ended()) return;
        answer.decision = decision.kind;
        answer.reason = decision.reason;
        link.send(answer);
      });
      break;
  }
  io.run();  // the answer, posted by the terminal operator
  return !person.input_ended();
}

int ended(const control::Event& event) {
  if (!event.message.empty()) std::cout << event.message << "\n";
  if (const auto state = runbook::parse_run_state(event.outcome)) {
    if (const auto outcome = runbook::outcome_of(*state))
      return print_outcome(std::cout, event.run, *outcome);
  }
  // kStoppedOutcome, or a word of a newer serve: the journal tells the rest.
  std::cout << fmt::format("run {}: stopped by greenlight serve; continue with: greenlight "
                           "runbook resume {}\n",
                           event.run, event.run);
  return kRunPaused;
}

}  // namespace

DaemonAnswer ask_daemon(const std::filesystem::path& socket_path, const control::Request& request,
                        bool detach, bool quiet, bool watch) {
  int fd = -1;
  std::string why;
  switch (connect_to(socket_path, fd, why)) {
    case Reach::kNobody:
      return {DaemonAnswer::Kind::kNobody, 0, {}};
    case Reach::kDenied:
      std::cerr << fmt::format(
          "greenlight runbook: {}: {}: only root and the users the site allows "
          "(runbooks: control_group) may use greenlight serve's control socket\n",
          socket_path.string(), why);
      return {DaemonAnswer::Kind::kDone, kRunFailed, {}};
    case Reach::kBroken:
      std::cerr << fmt::format("greenlight runbook: cannot reach greenlight serve on {}: {}\n",
                               socket_path.string(), why);
      return {DaemonAnswer::Kind::kDone, kRunFailed, {}};
    case Reach::kConnected:
      break;
  }
  DaemonLink link(fd);
  link.send(request);  // when it fails, serve's refusal may still be there to read
  std::string run = request.run;
  const std::string me = fmt::format(" pid {}", ::getpid());
  try {
    while (auto event = link.next()) {
      switch (event->kind) {
        case control::Event::Kind::kError:
          if (event->code == "answer-refused") {
            // Another terminal answered first, or the answer was not one
            // the question takes: this terminal keeps following the run.
            std::cerr << "greenlight runbook: your answer was not taken: " << event->message
                      << "\n";
            break;
          }
          if (!quiet || event->code != "not-held")
            std::cerr << "greenlight runbook: " << event->message << "\n";
          if (event->code == "not-held") return {DaemonAnswer::Kind::kNotHeld, kRunFailed, {}};
          return {DaemonAnswer::Kind::kDone, kRunFailed, {}};
        case control::Event::Kind::kAccepted:
          run = event->run;
          if (quiet) break;
          std::cout << fmt::format("run {} of {} executes in greenlight serve ({})\n  journal: {}\n",
                                   run, event->runbook, socket_path.string(), event->journal);
          if (detach) {
            std::cout << fmt::format("detached: follow it with: greenlight runbook attach {}\n",
                                     run);
            return {DaemonAnswer::Kind::kDone, kRunFinished, {}};
          }
          detach_on_interrupt(run);
          break;
        case control::Event::Kind::kReport:
          if (!quiet) std::cout << event->line << std::endl;
          break;
        case control::Event::Kind::kQuestion:
          if (watch) {
            const auto& q = event->question;
            std::cout << fmt::format(
                "(watching: the run asks \"{}\"; answer it from a terminal with greenlight "
                "runbook attach {})\n",
                q.kind == control::Question::Kind::kDecide ? q.pause.explanation : q.text, run)
                      << std::flush;
            break;
          }
          if (!quiet && !ask(link, run, event->question)) {
            std::cout << fmt::format(
                "end of input: detached without answering; the question stays open for a "
                "person: greenlight runbook attach {}\n",
                run);
            return {DaemonAnswer::Kind::kDone, kRunDetached, {}};
          }
          break;
        case control::Event::Kind::kAnswered:
          if (!quiet && !(event->by.size() >= me.size() &&
                          event->by.compare(event->by.size() - me.size(), me.size(), me) == 0)) {
            std::cout << fmt::format("(question {} was answered by {})\n", event->question.id,
                                     event->by);
          }
          break;
        case control::Event::Kind::kEnded:
          return {DaemonAnswer::Kind::kDone, ended(*event), event->outcome};
      }
    }
  } catch (const control::ProtocolError& error) {
    std::cerr << fmt::format("greenlight runbook: greenlight serve sent what is not an event: {}\n",
                             error.what());
    return {DaemonAnswer::Kind::kDone, kRunFailed, {}};
  }
  std::cerr << fmt::format(
      "greenlight runbook: greenlight serve closed the connection; run {} stays as journaled "
      "(greenlight runbook status {})\n",
      run, run);
  return {DaemonAnswer::Kind::kDone, kRunFailed, {}};
}

}  // namespace greenlight::app
