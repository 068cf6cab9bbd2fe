// Upcalls run through /bin/sh like ClusterShell's (shell=True, cwd=CFGDIR),
// with a deadline: a hung upcall kills its process group and fails the
// lookup instead of hanging the caller.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"

extern char** environ;

namespace greenlight {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024 * 1024;

// string.Template.safe_substitute for $NAME and ${NAME}.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    const bool braced = text[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      ++end;
    const std::string name = text.substr(start, end - start);
    auto it = values.find(name);
    if (name.empty() || it == values.end() ||
        (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];
      continue;
    }
    out += it->second;
    i = braced ? end : end - 1;
  }
  return out;
}

struct Outcome {
  int status = -1;
  bool timed_out = false;
  std::string output;
  std::string error;
};

Outcome run_shell(const std::string& command, const std::filesystem::path& cwd,
                  std::chrono::seconds timeout) {
  Outcome outcome;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    outcome.error = std::strerror(errno);
    return outcome;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  std::string shell = "/bin/sh", dash_c = "-c", text = command;
  char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(pipe_fds[1]);
  if (spawn_error != 0) {
    close(pipe_fds[0]);
    outcome.error = std::strerror(spawn_error);
    return outcome;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      break;
    }
    pollfd fd{pipe_fds[0], POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (outcome.output.size() + static_cast<std::size_t>(n) > kMaxOutput) {
      outcome.error = "output larger than 64 MiB";
      outcome.timed_out = true;
      break;
    }
    outcome.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  if (outcome.timed_out) {
    kill(-pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.status = status;
  return outcome;
}

// ClusterShell reads upcall answers as whitespace-separated words.
std::string words_joined(const std::string& output) {
  std::string joined;
  std::size_t pos = 0;
  while (pos < output.size()) {
    const auto start = output.find_first_not_of(" \t\n\r\v\f", pos);
    if (start == std::string::npos) break;
    const auto end = output.find_first_of(" \t\n\r\v\f", start);
    if (!joined.empty()) joined += ',';
    joined += output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    pos = end == std::string::npos ? output.size() : end;
  }
  return joined;
}

}  // namespace

struct UpcallGroupSource::Cache {
  std::mutex mutex;
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> answers;
};

UpcallGroupSource::UpcallGroupSource(Upcalls upcalls)
    : upcalls_(std::move(upcalls)), cache_(std::make_unique<Cache>()) {}
UpcallGroupSource::~UpcallGroupSource() = default;

std::string UpcallGroupSource::call(const std::string& which, const std::string& command,
                                    const std::string& group) const {
  if (command.empty()) {
    throw GroupResolutionError(
        fmt::format("No {} upcall defined for group source \"{}\"", which, upcalls_.name));
  }
  const std::string key = which + '\n' + group;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_->mutex);
    auto it = cache_->answers.find(key);
    if (it != cache_->answers.end() && it->second.second > now) return it->second.first;
  }
  const std::string line = substitute(
      command, {{"CFGDIR", upcalls_.cfgdir.string()}, {"SOURCE", upcalls_.name}, {"GROUP", group}});
  const Outcome outcome = run_shell(line, upcalls_.cfgdir, upcalls_.timeout);
  std::string reason;
  if (outcome.timed_out) {
    reason = outcome.error.empty() ? fmt::format("no answer within {}s", upcalls_.timeout.count())
                                   : outcome.error;
  } else if (!outcome.error.empty()) {
    reason = outcome.error;
  } else if (WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0) {
    reason = fmt::format("exit status {}", WEXITSTATUS(outcome.status));
  } else if (WIFSIGNALED(outcome.status)) {
    reason = fmt::format("killed by signal {}", WTERMSIG(outcome.status));
  }
  if (!reason.empty()) {
    throw GroupResolutionError(fmt::format("group source \"{}\": {} upcall `{}` failed: {}",
                                           upcalls_.name, which, line, reason));
  }
  std::string answer = words_joined(outcome.output);
  std::lock_guard lock(cache_->mutex);
  cache_->answers[key] = {answer, now + upcalls_.cache_time};
  return answer;
}

std::optional<std::string> UpcallGroupSource::map(std::string_view group) const {
  return call("map", upcalls_.map, std::string(group));
}

std::vector<std::string> UpcallGroupSource::list() const {
  const std::string joined = call("list", upcalls_.list, "");
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < joined.size()) {
    const auto comma = joined.find(',', pos);
    names.push_back(
        joined.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return names;
}

std::optional<std::string> UpcallGroupSource::all() const {
  if (upcalls_.all.empty()) return std::nullopt;
  return call("all", upcalls_.all, "");
}

}  // namespace greenlight
