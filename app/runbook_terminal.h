// The operator of a run at a terminal (a run in this process, or one that
// greenlight serve executes and this terminal follows): questions on
// stdout, answers read from stdin, progress lines as they come.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "greenlight/core/asio.h"
#include "greenlight/runbook/executor.h"

namespace greenlight::app {

/// Reads stdin on the io_context's thread: while a question is open, gates
/// and checks wait too (the run itself waits for the answer anyway). End of
/// input answers "no" and leaves a pause for `greenlight runbook resume`.
class TerminalOperator : public runbook::Operator {
 public:
  TerminalOperator(asio::io_context& io, std::ostream& out) : io_(io), out_(out) {}
  void confirm(const std::string& question, std::function<void(bool)> answer) override;
  void acknowledge(const std::string& instruction, std::function<void(bool)> done) override;
  void decide(const runbook::Pause& pause, std::function<void(runbook::Decision)> answer) override;
  void report(const std::string& line) override;
  /// "uid 0 (root) pid 4242 on /dev/pts/1": this process at its terminal.
  std::string answered_by() const override;
  /// True once standard input ended while a question was asked: the answer
  /// passed on then is no person's (confirm and acknowledge get "no", a
  /// pause "later"); a client of greenlight serve sends none and detaches.
  bool input_ended() const { return input_ended_; }
  bool gave_no_answer() const override { return input_ended_; }

 private:
  std::optional<std::string> read_line();
  bool input_ended_ = false;
  asio::io_context& io_;
  std::ostream& out_;
};

/// "uid 0 (root) pid 4242 on /dev/pts/1": the person at this process's
/// terminal ("from standard input" when it is not one).
std::string terminal_user();

/// Prints how run `run` ended and returns the exit code of exec and resume
/// (RunExit in runbook_commands.h).
int print_outcome(std::ostream& out, const std::string& run, runbook::RunOutcome outcome);

}  // namespace greenlight::app
