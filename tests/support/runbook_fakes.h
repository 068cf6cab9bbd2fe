// Fakes for executor and gate tests: check results set by the test, an
// operator answering from a script, a runner answering from per-node
// scripts, a temporary run directory and a site built from YAML text.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/runner.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/gate.h"

namespace greenlight::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/greenlight-runbook-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

/// Results the test sets; every `set` is a fresh result (started now).
class FakeResults : public runbook::CheckResults {
 public:
  std::string watch(const runbook::GateCheck& check) override {
    return runbook::gate_check_key(check);
  }
  const checks::CheckResult* latest(const std::string& key) const override {
    auto it = results_.find(key);
    return it == results_.end() ? nullptr : &it->second;
  }
  std::optional<std::chrono::steady_clock::time_point> green_since(
      const std::string& key, std::chrono::steady_clock::time_point from) const override {
    auto it = green_.find(key);
    return it == green_.end() ? std::nullopt : it->second.since(from);
  }
  void hurry(const std::string& key, std::optional<std::chrono::milliseconds> pace) override {
    hurried.emplace_back(key, pace);
    if (pace && on_hurry) on_hurry(key);
  }
  void run_now(const std::string& key) override { ran_now.push_back(key); }
  std::shared_ptr<const Listener> listen(Listener listener) override {
    auto handle = std::make_shared<const Listener>(std::move(listener));
    listeners_.push_back(handle);
    return handle;
  }
  void set(const std::string& key, checks::Status status, std::string message = "",
           std::vector<checks::Fact> facts = {}) {
    checks::CheckResult result;
    result.status = status;
    result.message = std::move(message);
    result.facts = std::move(facts);
    result.started = result.finished = std::chrono::system_clock::now();
    const auto now = std::chrono::steady_clock::now();
    green_[key].add(status == checks::Status::ok, now, now);
    results_[key] = result;
    std::erase_if(listeners_, [](const auto& weak) { return weak.expired(); });
    for (const auto& weak : std::vector(listeners_)) {
      if (const auto listener = weak.lock()) (*listener)(key);
    }
  }
  /// Backdates the current run of green results under `key` (as a scheduler
  /// that has been running the check for a while would report it).
  void green_since_at(const std::string& key, std::chrono::steady_clock::time_point since) {
    green_[key].clear();
    green_[key].add(true, since, since);
  }
  std::vector<std::pair<std::string, std::optional<std::chrono::milliseconds>>> hurried;
  std::function<void(const std::string&)> on_hurry;
  std::vector<std::string> ran_now;  ///< keys asked to run once, in order

 private:
  std::map<std::string, checks::CheckResult> results_;
  std::map<std::string, checks::GreenRun> green_;
  std::vector<std::weak_ptr<const Listener>> listeners_;
};

/// Answers from queues; confirm and acknowledge say yes when their queue is
/// empty, decide leaves the run paused when its queue is empty.
class ScriptedOperator : public runbook::Operator {
 public:
  explicit ScriptedOperator(asio::io_context& io) : io_(io) {}
  void confirm(const std::string& question, std::function<void(bool)> answer) override {
    questions.push_back(question);
    bool yes = true;
    if (!confirms.empty()) {
      yes = confirms.front();
      confirms.pop_front();
    }
    asio::post(io_, [answer, yes] { answer(yes); });
  }
  void acknowledge(const std::string& instruction, std::function<void(bool)> done) override {
    questions.push_back(instruction);
    asio::post(io_, [done] { done(true); });
  }
  void decide(const runbook::Pause& pause, std::function<void(runbook::Decision)> answer) override {
    pauses.push_back(pause);
    runbook::Decision decision;
    if (!decisions.empty()) {
      decision = decisions.front();
      decisions.pop_front();
    }
    asio::post(io_, [answer, decision] { answer(decision); });
  }
  void report(const std::string& line) override { lines.push_back(line); }

  std::deque<bool> confirms;
  std::deque<runbook::Decision> decisions;
  std::vector<std::string> questions;
  std::vector<runbook::Pause> pauses;
  std::vector<std::string> lines;

 private:
  asio::io_context& io_;
};

/// Answers per node from a queue of exit codes (then 0), records "node: cmd".
class ScriptedRunner : public CommandRunner {
 public:
  explicit ScriptedRunner(asio::io_context& io) : io_(io) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override {
    const std::string text = command.text();
    recorded.push_back(endpoint.node + ": " + text);
    if (on_command) on_command(endpoint.node, text);
    RunResult result;
    result.node = endpoint.node;
    result.command = text;
    result.status = RunStatus::kOk;
    result.exit_code = 0;
    auto& queue = exits[endpoint.node];
    if (!queue.empty()) {
      result.exit_code = queue.front();
      queue.pop_front();
    }
    for (const auto& [needle, failure] : failing_commands) {
      if (text.find(needle) == std::string::npos) continue;
      result.exit_code = failure.first;
      result.err = failure.second;
    }
    if (result.exit_code != 0) {
      result.status = RunStatus::kExit;
      result.reason = "exit " + std::to_string(result.exit_code);
    }
    if (auto& ends = endings[endpoint.node]; !ends.empty()) {
      result.status = ends.front();
      ends.pop_front();
      result.exit_code = -1;
      result.reason = to_string(result.status);
    }
    asio::post(io_, [done, result] { done(result); });
  }
  std::size_t count(const std::string& needle) const {
    std::size_t n = 0;
    for (const auto& line : recorded) n += line.find(needle) != std::string::npos;
    return n;
  }
  std::map<std::string, std::deque<int>> exits;
  /// How the node's next commands end without an exit status (kClosed,
  /// kRefused, ...); before `exits`.
  std::map<std::string, std::deque<RunStatus>> endings;
  /// A command containing the key exits with this code and stderr, every time.
  std::map<std::string, std::pair<int, std::string>> failing_commands;
  std::vector<std::string> recorded;
  /// Called as each command starts (node, command text), before it ends.
  std::function<void(const std::string&, const std::string&)> on_command;

 private:
  asio::io_context& io_;
};

/// A site from YAML text (hosts n[1-4], n1 is self, one command check per
/// name in `checks`), with `book` as the inline runbook "book".
inline config::Site site_with(const std::string& book, config::Diagnostics& diagnostics,
                              const std::string& extra = "") {
  const std::string text = R"(site: t
hosts:
  n[1-4]: {address: "127.0.0.[1-4]", bmc: "10.9.0.[1-4]"}
  n1: {self: true}
groups:
  all: n[1-4]
power:
  command: bmc -H {bmc} power {action}
checks:
  a: {kind: command, command: ["true"]}
  b: {kind: command, command: ["true"]}
)" + extra + R"(runbooks:
  inline:
    book:
)" + book;
  return checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                           diagnostics);
}

}  // namespace greenlight::testing
