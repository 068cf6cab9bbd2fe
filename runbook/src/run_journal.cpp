#include "run_journal.h"

#include <algorithm>

#include "greenlight/runbook/run_abort.h"

namespace greenlight::runbook {

bool is_action(JournalEvent event) {
  switch (event) {
    case JournalEvent::kPhaseStarted:
    case JournalEvent::kPhaseFinished:
    case JournalEvent::kGateWaiting:
    case JournalEvent::kGateGreen:
    case JournalEvent::kNotified:  // a notification says nothing of the cluster
    case JournalEvent::kRunOutline:
    case JournalEvent::kApprovalAsked:  // a question, not a change
    case JournalEvent::kChangeApproved:
      return false;
    default:
      return true;
  }
}

RunJournal::RunJournal(Journal journal, std::vector<JournalRecord> history)
    : journal_(std::move(journal)), records_(std::move(history)), state_(replay(records_)) {}

void RunJournal::append(JournalEvent event, const std::string& phase, const std::string& step,
                        const std::string& detail) {
  records_.push_back(journal_.append(event, phase, step, detail));
  if (is_action(event)) last_action_at_ = std::chrono::system_clock::now();
  state_ = replay(records_);
}

std::vector<std::string> RunJournal::end_interrupted_steps(const std::string& why,
                                                          std::chrono::milliseconds grace) {
  auto lines = runbook::end_interrupted_steps(journal_, records_, state_, why, grace);
  if (!lines.empty()) {
    records_ = read_journal(journal_.path());
    state_ = replay(records_);
  }
  return lines;
}

void RunJournal::append_step(JournalEvent event, const Phase& phase, int number,
                             const std::string& detail) {
  append(event, phase.name, std::to_string(number), detail);
}

void RunJournal::append_at_stop(JournalEvent event, const std::string& phase,
                                const std::string& step, const std::string& detail) {
  journal_.append(event, phase, step, detail);
}

StepState RunJournal::step_state(const std::string& phase, int number) const {
  auto p = state_.steps.find(phase);
  if (p == state_.steps.end()) return StepState::kNotStarted;
  auto s = p->second.find(number);
  return s == p->second.end() ? StepState::kNotStarted : s->second;
}

std::string RunJournal::step_detail(const std::string& phase, int number) const {
  auto p = state_.step_details.find(phase);
  if (p == state_.step_details.end()) return {};
  auto d = p->second.find(number);
  return d == p->second.end() ? std::string() : d->second;
}

bool RunJournal::phase_done(const std::string& phase) const {
  return std::find(state_.finished_phases.begin(), state_.finished_phases.end(), phase) !=
         state_.finished_phases.end();
}

bool RunJournal::gate_passed(const std::string& phase, const std::string& gate) const {
  auto it = state_.passed_gates.find(phase);
  return it != state_.passed_gates.end() &&
         std::find(it->second.begin(), it->second.end(), gate) != it->second.end();
}

std::optional<std::string> RunJournal::self_poweroff_record(const std::string& phase,
                                                            int number) const {
  const std::string step = std::to_string(number);
  for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
    if (r->phase != phase || r->step != step) continue;
    if (r->event == JournalEvent::kSelfPoweroff) return r->detail;
    if (r->event == JournalEvent::kStepStarted) return std::nullopt;
  }
  return std::nullopt;
}

std::int64_t RunJournal::waiting_since(const std::string& gate) const {
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (it->event == JournalEvent::kGateWaiting && it->step == gate) return it->unix_ms;
  }
  return 0;
}

std::optional<std::chrono::system_clock::time_point> RunJournal::last_action() const {
  if (last_action_at_) return last_action_at_;
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (!is_action(it->event)) continue;
    // A record's time is cut to the millisecond: the action may have ended
    // up to 1 ms after it. Evidence counts from the end of that
    // millisecond, so no result taken while the step ran is counted.
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(it->unix_ms + 1));
  }
  return std::nullopt;
}

}  // namespace greenlight::runbook
