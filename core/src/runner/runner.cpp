#include "greenlight/core/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_map>

#include "greenlight/core/nodeset.h"
#include "greenlight/core/process.h"
#include "greenlight/core/shell.h"

extern char** environ;

namespace greenlight {
namespace {

// Between an interrupt's SIGTERM and its SIGKILL.
constexpr std::chrono::milliseconds kInterruptGrace{500};

RunResult from_process(const Endpoint& endpoint, const Command& command, ProcessResult process) {
  RunResult result;
  result.node = endpoint.node;
  result.command = command.text();
  result.out = std::move(process.out);
  result.err = std::move(process.err);
  result.truncated = process.out_truncated || process.err_truncated;
  result.duration = process.duration;
  result.reason = process.describe();
  switch (process.outcome) {
    case ProcessResult::Outcome::kExited:
      result.exit_code = process.exit_code;
      result.status = process.exit_code == 0 ? RunStatus::kOk : RunStatus::kExit;
      break;
    case ProcessResult::Outcome::kSignaled:
      result.status = RunStatus::kSignal;
      break;
    case ProcessResult::Outcome::kTimedOut:
      result.status = RunStatus::kTimeout;
      break;
    case ProcessResult::Outcome::kSpawnFailed:
      result.status = RunStatus::kCannotStart;
      break;
  }
  return result;
}

}  // namespace

Command Command::shell(std::string line) {
  Command command;
  command.argv = {std::move(line)};
  command.shell_line = true;
  return command;
}

Command Command::program(std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  return command;
}

std::string Command::text() const {
  if (shell_line) return argv.empty() ? std::string() : argv.front();
  std::string out;
  for (const auto& word : argv) out += (out.empty() ? "" : " ") + shell_quote(word);
  return out;
}

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kOk:
      return "ok";
    case RunStatus::kExit:
      return "exit code";
    case RunStatus::kSignal:
      return "killed by a signal";
    case RunStatus::kTimeout:
      return "timeout";
    case RunStatus::kConnectTimeout:
      return "connect timeout";
    case RunStatus::kInterrupted:
      return "interrupted";
    case RunStatus::kRefused:
      return "connection refused";
    case RunStatus::kUnreachable:
      return "unreachable";
    case RunStatus::kAuth:
      return "authentication failed";
    case RunStatus::kHostKey:
      return "host key refused";
    case RunStatus::kCannotStart:
      return "cannot start";
    case RunStatus::kClosed:
      return "connection closed";
  }
  return "?";
}

bool RunResult::unreachable() const {
  return status == RunStatus::kTimeout || status == RunStatus::kConnectTimeout ||
         status == RunStatus::kRefused || status == RunStatus::kUnreachable ||
         status == RunStatus::kAuth || status == RunStatus::kHostKey ||
         status == RunStatus::kClosed;
}

std::vector<std::string> environment_without(const std::vector<std::string>& withheld) {
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const std::string_view name = variable.substr(0, variable.find('='));
    if (std::find(withheld.begin(), withheld.end(), name) == withheld.end())
      out.emplace_back(variable);
  }
  return out;
}

// The processes a LocalRunner started that have not finished (by a number
// of its own), and whether it was interrupted. The io_context's thread only.
struct LocalRunner::Running {
  std::map<std::uint64_t, EndProcess> processes;
  std::uint64_t next = 0;
  bool interrupted = false;
};

LocalRunner::LocalRunner(asio::io_context& io) : io_(io), running_(std::make_shared<Running>()) {}

void LocalRunner::interrupt() {
  running_->interrupted = true;
  // As each one's deadline would: SIGTERM to its group, SIGKILL after the
  // grace, its output cut off if a descendant outside the group holds it.
  const auto processes = running_->processes;  // ending one may finish it
  for (const auto& [number, end] : processes) end(kInterruptGrace);
}

void LocalRunner::run(const Endpoint& endpoint, const Command& command,
                      std::function<void(RunResult)> done) {
  if (running_->interrupted) {
    RunResult result;
    result.node = endpoint.node;
    result.command = command.text();
    result.status = RunStatus::kCannotStart;
    result.reason = "not started: interrupted";
    asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
    return;
  }
  ProcessSpec spec;
  spec.argv =
      command.shell_line ? std::vector<std::string>{"/bin/sh", "-c", command.text()} : command.argv;
  spec.timeout = command.timeout;
  spec.output_cap = command.output_cap;
  spec.input = command.input;
  spec.started = command.started;
  if (command.output_sink) {
    spec.on_output = [sink = command.output_sink](std::string_view bytes) { sink->write(bytes); };
  }
  if (!command.withheld_environment.empty())
    spec.env = environment_without(command.withheld_environment);
  const std::uint64_t number = running_->next++;
  running_->processes[number] =
      start_process(io_, std::move(spec),
                    [endpoint, command, done = std::move(done), running = running_,
                     number](ProcessResult process) {
                      running->processes.erase(number);
                      RunResult result = from_process(endpoint, command, std::move(process));
                      // Ended by the interrupt, not by itself or its deadline.
                      if (running->interrupted && (result.status == RunStatus::kSignal ||
                                                   result.status == RunStatus::kTimeout)) {
                        result.status = RunStatus::kInterrupted;
                        result.reason = "interrupted";
                      }
                      done(std::move(result));
                    });
}

void RefusingRunner::run(const Endpoint& endpoint, const Command& command,
                         std::function<void(RunResult)> done) {
  RunResult result;
  result.node = endpoint.node;
  result.command = command.text();
  result.status = RunStatus::kCannotStart;
  result.reason = fmt::format("{}: {}", endpoint.node, reason_);
  asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

void DryRunRunner::run(const Endpoint& endpoint, const Command& command,
                       std::function<void(RunResult)> done) {
  recorded_.push_back(fmt::format("{}: {}", endpoint.node, command.text()));
  RunResult result;
  result.node = endpoint.node;
  result.command = command.text();
  result.status = RunStatus::kOk;
  result.exit_code = 0;
  result.reason = "dry run";
  asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

void FakeRunner::run(const Endpoint& endpoint, const Command& command,
                     std::function<void(RunResult)> done) {
  const std::string text = command.text();
  recorded_.push_back(fmt::format("{}: {}", endpoint.node, text));
  RunResult result;
  result.status = RunStatus::kOk;
  result.exit_code = 0;
  for (const auto& rule : rules_) {
    if ((rule.node.empty() || rule.node == endpoint.node) &&
        text.find(rule.command_contains) != std::string::npos) {
      result = rule.answer;
      break;
    }
  }
  result.node = endpoint.node;
  result.command = text;
  if (command.output_sink && !result.out.empty()) command.output_sink->write(result.out);
  if (result.reason.empty()) {
    result.reason = result.status == RunStatus::kExit ? fmt::format("exit {}", result.exit_code)
                                                      : to_string(result.status);
  }
  asio::post(io_, [done = std::move(done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

std::vector<GatheredOutput> gather_identical(const std::vector<RunResult>& results) {
  struct Group {
    std::vector<std::string> nodes;
    const RunResult* sample;
  };
  // Keyed by what makes two results identical (the reason only for failures),
  // so gathering n results with n different outputs stays O(n).
  struct Key {
    std::string_view out, reason;
    RunStatus status;
    int exit_code;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      const std::size_t h = std::hash<std::string_view>{}(k.out);
      return h ^ (std::hash<std::string_view>{}(k.reason) * 31) ^
             (static_cast<std::size_t>(k.status) << 8) ^ static_cast<std::size_t>(k.exit_code);
    }
  };
  std::vector<Group> groups;
  std::unordered_map<Key, std::size_t, KeyHash> index;
  index.reserve(results.size());
  for (const auto& result : results) {
    const Key key{result.out, result.ok() ? std::string_view() : std::string_view(result.reason),
                  result.status, result.exit_code};
    const auto [found, added] = index.try_emplace(key, groups.size());
    if (added) {
      groups.push_back({{result.node}, &result});
    } else {
      groups[found->second].nodes.push_back(result.node);
    }
  }
  std::vector<GatheredOutput> gathered;
  for (const auto& group : groups) {
    gathered.push_back({NodeSet::from_names(group.nodes).fold(), group.sample->out,
                        group.sample->status, group.sample->exit_code, group.sample->reason,
                        group.nodes.size()});
  }
  return gathered;
}

}  // namespace greenlight
