#include "run_questions.h"

#include <fmt/format.h>

#include <utility>

namespace greenlight::runbook {

RunQuestions::RunQuestions(Operator& person, RunJournal& journal, RunFlow& flow,
                           const std::string& run_id, const ExecutorOptions& options)
    : person_(person), journal_(journal), flow_(flow), run_id_(run_id), options_(options) {}

template <typename Answer>
auto RunQuestions::closing(Answer answer) {
  open_ = true;
  return [this, going = flow_.lifeline(), answer = std::move(answer)](auto given) {
    if (!going()) return;
    open_ = false;
    answer(std::move(given));
  };
}

void RunQuestions::confirm(const std::string& question, std::function<void(bool)> answer) {
  person_.confirm(question, closing(std::move(answer)));
}

void RunQuestions::approve(const Phase& phase, int number, const std::string& shown,
                           const std::string& question, std::function<void(bool)> answer) {
  auto closed = closing(std::move(answer));  // open while its record is journaled
  journal_.append(JournalEvent::kApprovalAsked, phase.name, std::to_string(number), shown);
  person_.confirm(question, std::move(closed));
}

void RunQuestions::acknowledge(const std::string& instruction, std::function<void(bool)> done) {
  person_.acknowledge(instruction, closing(std::move(done)));
}

std::string RunQuestions::answered_by() const {
  if (person_.gave_no_answer()) return " (no answer: the operator's input ended)";
  const std::string who = person_.answered_by();
  return who.empty() ? std::string() : " (answered by " + who + ")";
}

void RunQuestions::pause(const Pause& pause, std::function<void(const Decision&)> go_on) {
  journal_.append(JournalEvent::kRunPaused, pause.phase,
                  pause.step > 0 ? std::to_string(pause.step) : pause.gate, pause.explanation);
  person_.report("PAUSED: " + pause.explanation);
  if (options_.dry_run) {
    journal_.append(JournalEvent::kRunAborted, pause.phase, "", "dry run: nothing to decide");
    return flow_.finish(RunOutcome::kAborted);
  }
  person_.decide(pause, closing([this, pause, go_on = std::move(go_on)](Decision decision) {
                   const std::string step =
                       pause.step > 0 ? std::to_string(pause.step) : pause.gate;
                   switch (decision.kind) {
                     case Decision::Kind::kAbort: {
                       const std::string why =
                           (decision.reason.empty() ? "aborted by the operator" : decision.reason) +
                           answered_by();
                       // A step an earlier process left running (the
                       // question may be about it) ends with the run.
                       for (const auto& line : journal_.end_interrupted_steps(why))
                         person_.report(line);
                       journal_.append(JournalEvent::kRunAborted, pause.phase, step, why);
                       person_.report("run aborted");
                       return flow_.finish(RunOutcome::kAborted);
                     }
                     case Decision::Kind::kLeavePaused:
                       person_.report(fmt::format(
                           "run {} left paused: greenlight runbook resume {}", run_id_, run_id_));
                       return flow_.finish(RunOutcome::kPaused);
                     default:
                       if (decision.kind == Decision::Kind::kSkip && decision.reason.empty())
                         decision.reason = "skipped by the operator";
                       journal_.append(JournalEvent::kRunResumed, pause.phase, step,
                                       to_string(decision.kind) + answered_by());
                       go_on(decision);
                   }
                 }));
}

void RunQuestions::leave_paused(const Phase& phase, int number, const std::string& why) {
  journal_.append_step(JournalEvent::kRunPaused, phase, number, why);
  person_.report(fmt::format("run {} paused: {}; continue with: greenlight runbook resume {}",
                             run_id_, why, run_id_));
  flow_.finish(RunOutcome::kPaused);
}

}  // namespace greenlight::runbook
