#include "runbook_terminal.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <iostream>

#include "greenlight/core/one_line.h"
#include "greenlight/runbook/reason.h"
#include "runbook_commands.h"

namespace greenlight::app {
namespace {

std::string trimmed(std::string text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::optional<std::string> TerminalOperator::read_line() {
  std::string line;
  if (!std::getline(std::cin, line)) {
    input_ended_ = true;
    return std::nullopt;
  }
  return trimmed(line);
}

void TerminalOperator::confirm(const std::string& question, std::function<void(bool)> answer) {
  out_ << "\n" << question << " [y/N] " << std::flush;
  const auto line = read_line();
  const bool yes = line && (*line == "y" || *line == "yes" || *line == "Y");
  if (!line) out_ << "(no answer: end of input)\n";
  asio::post(io_, [answer = std::move(answer), yes] { answer(yes); });
}

void TerminalOperator::acknowledge(const std::string& instruction, std::function<void(bool)> done) {
  out_ << "\nMANUAL STEP: " << instruction
       << "\nType 'done' once it is done (anything else pauses the run): " << std::flush;
  const auto line = read_line();
  const bool finished = line && *line == "done";
  asio::post(io_, [done = std::move(done), finished] { done(finished); });
}

void TerminalOperator::decide(const runbook::Pause& pause,
                              std::function<void(runbook::Decision)> answer) {
  using Kind = runbook::Decision::Kind;
  out_ << "\nThe run is paused:\n  " << pause.explanation << "\nChoices:\n";
  for (const auto kind : pause.choices) {
    switch (kind) {
      case Kind::kRetry:
        out_ << (pause.cause == runbook::Pause::Cause::kGateTimedOut
                     ? "  retry         wait for the gate again\n"
                     : "  retry         run the step again\n");
        break;
      case Kind::kForceRetry:
        out_ << "  retry --force run the step again although its earlier command still runs\n";
        break;
      case Kind::kRemedy:
        out_
            << "  remedy        run the gate's remedy once on what keeps it red, then wait again\n";
        break;
      case Kind::kRetryFailedNodes:
        out_ << "  retry-failed  run the step again on " << pause.failed_nodes << " only\n";
        break;
      case Kind::kSkip:
        out_ << "  skip          go on as if it had succeeded (a reason is journaled)\n";
        break;
      case Kind::kAbort:
        out_ << "  abort         end the run\n";
        break;
      default:
        break;
    }
  }
  out_ << "  later         leave the run paused (greenlight runbook resume RUN)\n";
  runbook::Decision decision;
  for (;;) {
    out_ << "choice: " << std::flush;
    const auto line = read_line();
    if (!line) {
      out_ << "(end of input: no answer)\n";
      decision.kind = Kind::kLeavePaused;
      break;
    }
    std::optional<Kind> kind;
    for (const auto candidate : pause.choices) {
      if (*line == runbook::to_string(candidate)) kind = candidate;
    }
    if (*line == "later") kind = Kind::kLeavePaused;
    if (!kind) {
      out_ << fmt::format("'{}' is not one of the choices\n", one_line(*line));
      continue;
    }
    decision.kind = *kind;
    if (*kind == Kind::kSkip || *kind == Kind::kAbort) {
      out_ << (*kind == Kind::kSkip ? "why is it safe to skip? " : "why abort? ") << std::flush;
      decision.reason = read_line().value_or("");
      if (const auto why = runbook::decision_reason_problem(*kind, decision.reason)) {
        out_ << *why << "\n";
        continue;
      }
    }
    break;
  }
  asio::post(io_, [answer = std::move(answer), decision] { answer(decision); });
}

void TerminalOperator::report(const std::string& line) { out_ << line << std::endl; }

std::string TerminalOperator::answered_by() const { return terminal_user(); }

std::string terminal_user() {
  const uid_t uid = ::getuid();
  const passwd* entry = ::getpwuid(uid);
  const char* tty = ::isatty(STDIN_FILENO) ? ::ttyname(STDIN_FILENO) : nullptr;
  return fmt::format("uid {} ({}) pid {} {}", uid, entry != nullptr ? entry->pw_name : "?",
                     ::getpid(), tty != nullptr ? fmt::format("on {}", tty) : "from standard input");
}

int print_outcome(std::ostream& out, const std::string& run, runbook::RunOutcome outcome) {
  switch (outcome) {
    case runbook::RunOutcome::kFinished:
      out << fmt::format("run {}: finished\n", run);
      return kRunFinished;
    case runbook::RunOutcome::kAborted:
      out << fmt::format("run {}: aborted\n", run);
      return kRunFailed;
    case runbook::RunOutcome::kPaused:
      out << fmt::format("run {}: paused; continue with: greenlight runbook resume {}\n", run,
                         run);
      return kRunPaused;
    case runbook::RunOutcome::kPoweredOff:
      out << fmt::format(
          "run {}: this host is powering off; once it is up again: greenlight runbook resume {}\n",
          run, run);
      return kRunPoweredOff;
  }
  return kRunFailed;
}

}  // namespace greenlight::app
