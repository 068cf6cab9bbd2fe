// Process groups seen from outside: their marks, whether one still runs,
// and ending them. Read from /proc, so they work for groups another process
// (an earlier greenlight, killed) started.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include "greenlight/core/process.h"

namespace greenlight {
namespace {

struct ProcStat {
  char state = '?';
  int pgrp = 0;
  std::uint64_t start_ticks = 0;
};

// /proc/PID/stat: "PID (COMM) STATE PPID PGRP ... STARTTIME(22nd) ...";
// COMM may hold spaces and parentheses, so fields count from its last ')'.
std::optional<ProcStat> read_stat(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::vector<std::string> words;
  for (std::string word; fields >> word;) words.push_back(word);
  if (words.size() < 20) return std::nullopt;
  ProcStat stat;
  stat.state = words[0].empty() ? '?' : words[0][0];
  auto number = [](const std::string& word, auto& value) {
    std::from_chars(word.data(), word.data() + word.size(), value);
  };
  number(words[2], stat.pgrp);
  number(words[19], stat.start_ticks);
  return stat;
}

// The processes of group `pgid` that still run (zombies excluded), the
// leader first when it is one of them.
std::vector<int> running_members(int pgid) {
  std::vector<int> members;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return members;
  while (const dirent* entry = ::readdir(proc)) {
    int pid = 0;
    const std::string_view name(entry->d_name);
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || end != name.data() + name.size()) continue;
    const auto stat = read_stat(pid);
    if (!stat || stat->pgrp != pgid || stat->state == 'Z' || stat->state == 'X') continue;
    if (pid == pgid) {
      members.insert(members.begin(), pid);
    } else {
      members.push_back(pid);
    }
  }
  ::closedir(proc);
  return members;
}

}  // namespace

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id.empty() ? "unknown" : id;
}

ProcessGroupMark mark_process_group(int pid) {
  ProcessGroupMark mark;
  mark.pgid = pid;
  mark.boot_id = current_boot_id();
  if (const auto stat = read_stat(pid)) mark.start_ticks = stat->start_ticks;
  return mark;
}

std::optional<int> process_group_alive(const ProcessGroupMark& mark) {
  if (mark.pgid <= 1 || mark.boot_id != current_boot_id()) return std::nullopt;
  // A process with the group's id that started at another time took the id
  // after the group had emptied: the kernel hands out a process id again
  // only once no process and no group uses it.
  if (const auto leader = read_stat(mark.pgid);
      leader && mark.start_ticks != 0 && leader->start_ticks != mark.start_ticks) {
    return std::nullopt;
  }
  const auto members = running_members(mark.pgid);
  if (members.empty()) return std::nullopt;
  return members.front();
}

std::map<int, int> end_process_groups(const std::vector<ProcessGroupMark>& groups,
                                      std::chrono::milliseconds grace) {
  std::map<int, int> ended;
  for (const auto& mark : groups) {
    if (process_group_alive(mark) && ::kill(-mark.pgid, SIGTERM) == 0) ended[mark.pgid] = SIGTERM;
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto left = [&ended] {
    for (const auto& [group, signal] : ended) {
      if (!running_members(group).empty()) return true;
    }
    return false;
  };
  while (left() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto& [group, signal] : ended) {
    if (!running_members(group).empty() && ::kill(-group, SIGKILL) == 0) signal = SIGKILL;
  }
  // SIGKILL is delivered asynchronously: wait (bounded) until the members
  // are gone, so that "ended" means no member runs any more.
  const auto killed_by = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (left() && std::chrono::steady_clock::now() < killed_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return ended;
}

}  // namespace greenlight
