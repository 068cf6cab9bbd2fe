#include "step_processes.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <sstream>

namespace greenlight::runbook::detail {
namespace {

// "key=value" words; a value runs to the next space (node names, boot ids
// and numbers have none).
std::map<std::string, std::string> words_of(const std::string& detail) {
  std::map<std::string, std::string> out;
  std::istringstream in(detail);
  for (std::string word; in >> word;) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return out;
}

template <typename T>
T number_of(const std::string& text) {
  T value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string clock_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

}  // namespace

std::string step_process_detail(const ProcessGroupMark& mark, const std::string& node) {
  return fmt::format("pgid={} pid={} boot={} start={} node={}", mark.pgid, mark.pgid, mark.boot_id,
                     mark.start_ticks, node);
}

std::string step_process_ended_detail(int pgid, int signal, const std::string& why) {
  return fmt::format("pgid={} signal={}: {}", pgid, signal == SIGKILL ? "KILL" : "TERM", why);
}

StepCommands step_commands_of(const std::vector<JournalRecord>& records, const std::string& phase,
                              int number) {
  const std::string step = std::to_string(number);
  std::vector<const JournalRecord*> since;
  for (auto r = records.rbegin(); r != records.rend(); ++r) {
    if (r->event == JournalEvent::kRunAdopted) break;
    if (r->phase != phase || r->step != step) continue;
    if (r->event == JournalEvent::kStepStarted) break;
    since.insert(since.begin(), &*r);
  }
  StepCommands out;
  for (const JournalRecord* r : since) {
    const auto words = words_of(r->detail);
    if (r->event == JournalEvent::kStepProcess) {
      StepProcess process;
      process.mark.pgid = number_of<int>(words.count("pgid") ? words.at("pgid") : "");
      process.mark.boot_id = words.count("boot") ? words.at("boot") : "";
      process.mark.start_ticks =
          number_of<std::uint64_t>(words.count("start") ? words.at("start") : "");
      process.node = words.count("node") ? words.at("node") : "";
      process.unix_ms = r->unix_ms;
      if (process.mark.pgid > 1) out.local.push_back(std::move(process));
    } else if (r->event == JournalEvent::kStepProcessEnded) {
      const int pgid = number_of<int>(words.count("pgid") ? words.at("pgid") : "");
      const std::string signal = words.count("signal") ? words.at("signal") : "";
      for (auto& process : out.local) {
        if (process.mark.pgid == pgid)
          process.ended_with = signal.rfind("KILL", 0) == 0 ? SIGKILL : SIGTERM;
      }
    } else if (r->event == JournalEvent::kStepRemote) {
      out.remote_nodes = r->detail;
    }
  }
  return out;
}

std::vector<StillRunning> still_running(const StepCommands& commands) {
  std::vector<StillRunning> out;
  for (const auto& process : commands.local) {
    if (const auto pid = process_group_alive(process.mark)) out.push_back({process, *pid});
  }
  return out;
}

std::vector<std::string> describe_step_commands(int number, const StepCommands& commands,
                                                const std::vector<StillRunning>& running) {
  std::vector<std::string> lines;
  for (const auto& process : commands.local) {
    const auto live = std::find_if(running.begin(), running.end(), [&](const StillRunning& r) {
      return r.process.mark.pgid == process.mark.pgid;
    });
    if (live != running.end()) {
      lines.push_back(
          fmt::format("step {} may still be running: process group {} since {}, pid {}{}", number,
                      process.mark.pgid, clock_time(process.unix_ms), live->pid,
                      process.node.empty() ? "" : " (on " + process.node + ")"));
    } else if (process.ended_with != 0) {
      lines.push_back(
          fmt::format("its command was ended when greenlight stopped (process group {}, "
                      "SIG{})",
                      process.mark.pgid, process.ended_with == SIGKILL ? "KILL" : "TERM"));
    } else {
      lines.push_back(fmt::format("its command no longer runs (process group {}, started {})",
                                  process.mark.pgid, clock_time(process.unix_ms)));
    }
  }
  if (!commands.remote_nodes.empty()) {
    lines.push_back(fmt::format(
        "its command was sent over SSH to {} and may still be running there (greenlight lost "
        "those sessions): look there before retrying",
        commands.remote_nodes));
  }
  return lines;
}

}  // namespace greenlight::runbook::detail
