#include "greenlight/runbook/lock_holder.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace greenlight::runbook {
namespace {

std::string proc(int pid, const char* what) {
  return "/proc/" + std::to_string(pid) + "/" + what;
}

std::string user_named(uid_t uid) {
  passwd entry{};
  passwd* found = nullptr;
  char buffer[1024];
  if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr)
    return found->pw_name;
  return fmt::format("uid {}", uid);
}

std::string user_of(int pid) {
  std::ifstream status(proc(pid, "status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Uid:", 0) != 0) continue;
    std::istringstream words(line.substr(4));
    unsigned long uid = 0;
    if (words >> uid) return user_named(static_cast<uid_t>(uid));
  }
  return "?";
}

// Its controlling terminal: what its standard input is when that is a
// terminal (readable for the process's own user and root), else the device
// number /proc/PID/stat gives (readable by all).
std::string terminal_of(int pid) {
  char target[PATH_MAX];
  const ssize_t n = ::readlink(proc(pid, "fd/0").c_str(), target, sizeof target - 1);
  if (n > 0) {
    const std::string path(target, static_cast<std::size_t>(n));
    if (path.rfind("/dev/pts/", 0) == 0 || path.rfind("/dev/tty", 0) == 0) return path;
  }
  std::ifstream stat(proc(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // "PID (COMM) STATE PPID PGRP SESSION TTY_NR ...": COMM may hold blanks.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(text.substr(close + 1));
  std::string state;
  long ppid = 0, pgrp = 0, session = 0, tty = 0;
  if (!(fields >> state >> ppid >> pgrp >> session >> tty) || tty == 0) return "";
  const long major = (tty >> 8) & 0xfff;
  const long minor = (tty & 0xff) | ((tty >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return fmt::format("/dev/pts/{}", (major - 136) * 256 + minor);
  if (major == 4 && minor < 64) return fmt::format("/dev/tty{}", minor);
  if (major == 4) return fmt::format("/dev/ttyS{}", minor - 64);
  return fmt::format("the terminal {}:{}", major, minor);
}

// Its command line, a word per element; empty when it cannot be read.
std::vector<std::string> command_line(int pid) {
  std::ifstream in(proc(pid, "cmdline"));
  std::vector<std::string> words;
  std::string word;
  while (std::getline(in, word, '\0')) words.push_back(word);
  return words;
}

}  // namespace

LockHolder lock_holder(int pid) {
  LockHolder holder;
  holder.pid = pid;
  if (pid <= 0) return holder;
  const auto words = command_line(pid);
  holder.known = !words.empty();
  // `greenlight [-c CONFIG] serve [...]`: a word "serve" and no "runbook".
  bool serve = false, runbook = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    serve = serve || words[i] == "serve";
    runbook = runbook || words[i] == "runbook";
  }
  holder.serve = serve && !runbook;
  holder.user = user_of(pid);
  holder.terminal = terminal_of(pid);
  return holder;
}

std::string holder_advice(const std::string& run, const LockHolder& holder) {
  if (holder.serve) {
    return fmt::format(
        "run {} executes in greenlight serve (process {}): follow it with greenlight runbook "
        "attach {}, or stop it with greenlight runbook abort {} --reason WHY",
        run, holder.pid, run, run);
  }
  const std::string status = fmt::format("greenlight runbook status {} shows where it stands", run);
  if (holder.pid <= 0 || !holder.known) {
    return fmt::format(
        "run {} is executed by {}; {}; greenlight runbook attach {} follows it if greenlight "
        "serve executes it, else only the terminal of that process follows it, and Ctrl-C there "
        "stops it",
        run, holder.pid > 0 ? fmt::format("process {}", holder.pid) : "another process", status,
        run);
  }
  if (holder.terminal.empty()) {
    return fmt::format(
        "run {} executes in process {} of {}, without a terminal (not in greenlight serve): "
        "{}; to stop it: kill -INT {}",
        run, holder.pid, holder.user, status, holder.pid);
  }
  return fmt::format(
      "run {} executes in process {} of {} on {} (not in greenlight serve): it can be followed "
      "only from that terminal; {}; to stop it, press Ctrl-C in that terminal (or kill -INT {})",
      run, holder.pid, holder.user, holder.terminal, status, holder.pid);
}

}  // namespace greenlight::runbook
