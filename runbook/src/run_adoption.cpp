#include "greenlight/runbook/run_adoption.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "greenlight/runbook/run_outline.h"

namespace greenlight::runbook {
namespace {

StepState state_of(const RunState& state, const std::string& phase, int number) {
  const auto p = state.steps.find(phase);
  if (p == state.steps.end()) return StepState::kNotStarted;
  const auto s = p->second.find(number);
  return s == p->second.end() ? StepState::kNotStarted : s->second;
}

const char* state_words(StepState state) {
  switch (state) {
    case StepState::kFinished:
      return "done";
    case StepState::kSkipped:
      return "skipped";
    case StepState::kFailed:
      return "failed";
    case StepState::kStarted:
      return "interrupted (started, never recorded as finished)";
    case StepState::kNotStarted:
      break;
  }
  return "not started";
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

JournalRecord record(JournalEvent event, std::string phase, std::string step, std::string detail) {
  JournalRecord r;
  r.event = event;
  r.phase = std::move(phase);
  r.step = std::move(step);
  r.detail = std::move(detail);
  return r;
}

// The records of a step's last start (step-started and what followed it:
// its processes, its remote nodes, a self-poweroff), moved to `to`.
void restate_started(const std::vector<JournalRecord>& history, const OutlineStep& from,
                     const OutlineStep& to, std::vector<JournalRecord>& out) {
  const std::string step = std::to_string(from.number);
  std::vector<JournalRecord> since;
  for (auto r = history.rbegin(); r != history.rend(); ++r) {
    if (r->event == JournalEvent::kRunAdopted) break;
    if (r->phase != from.phase || r->step != step) continue;
    if (r->event == JournalEvent::kRunPaused || r->event == JournalEvent::kRunResumed) continue;
    since.insert(since.begin(), record(r->event, to.phase, std::to_string(to.number), r->detail));
    if (r->event == JournalEvent::kStepStarted) break;
  }
  out.insert(out.end(), since.begin(), since.end());
}

}  // namespace

std::vector<OutlineStep> outline_steps(const std::vector<std::string>& outline) {
  std::vector<OutlineStep> steps;
  std::string phase;
  for (const auto& line : outline) {
    if (line.rfind("phase ", 0) == 0) {
      phase = line.substr(6);
      continue;
    }
    constexpr std::string_view kStep = "  step ";
    if (line.rfind(kStep, 0) != 0) continue;
    OutlineStep step;
    step.phase = phase;
    const char* begin = line.data() + kStep.size();
    const auto [end, ec] = std::from_chars(begin, line.data() + line.size(), step.number);
    if (ec != std::errc() || end == line.data() + line.size()) continue;
    std::string rest(end + 1, line.data() + line.size());
    if (rest.rfind("(id ", 0) == 0 && rest.find(") ") != std::string::npos) {
      step.id = rest.substr(4, rest.find(") ") - 4);
      rest = rest.substr(rest.find(") ") + 2);
    }
    step.content = std::move(rest);
    steps.push_back(std::move(step));
  }
  return steps;
}

Adoption plan_adoption(const std::vector<std::string>& then,
                       const std::vector<JournalRecord>& history, const Runbook& now) {
  Adoption adoption;
  const auto now_outline = outline_of(now);
  adoption.diff = outline_diff(then, now_outline);
  const auto then_steps = outline_steps(then);
  const auto now_steps = outline_steps(now_outline);
  const RunState state = replay(history);
  std::vector<bool> taken(now_steps.size(), false);
  for (const auto& step : then_steps) {
    const StepState st = state_of(state, step.phase, step.number);
    if (st == StepState::kNotStarted) continue;
    std::optional<std::size_t> match;
    bool by_id = false;
    for (std::size_t i = 0; i < now_steps.size() && !step.id.empty() && !match; ++i) {
      if (!taken[i] && now_steps[i].id == step.id) {
        match = i;
        by_id = true;
      }
    }
    for (std::size_t i = 0; i < now_steps.size() && !match; ++i) {
      const auto& other = now_steps[i];
      const bool ids_agree = step.id.empty() || other.id.empty() || other.id == step.id;
      if (!taken[i] && ids_agree && other.phase == step.phase && other.content == step.content)
        match = i;
    }
    if (!match) {
      adoption.dropped.emplace_back(step, st);
      continue;
    }
    taken[*match] = true;
    adoption.kept.push_back({step, now_steps[*match], st, by_id});
  }
  for (const auto& phase : now.phases) {
    const bool skipped = contains(state.skipped_phases, phase.name);
    const bool finished = !skipped && contains(state.finished_phases, phase.name);
    bool complete = true;
    for (std::size_t i = 0; i < now_steps.size(); ++i) {
      if (now_steps[i].phase != phase.name) continue;
      const auto kept =
          std::find_if(adoption.kept.begin(), adoption.kept.end(), [&](const Adoption::Kept& k) {
            return k.now.phase == phase.name && k.now.number == now_steps[i].number;
          });
      const bool done = kept != adoption.kept.end() &&
                        (kept->state == StepState::kFinished || kept->state == StepState::kSkipped);
      complete = complete && done;
      if (!taken[i] && !skipped) adoption.not_run.push_back(now_steps[i]);
    }
    if (finished && !complete) adoption.reopened.push_back(phase.name);
    auto& out = adoption.restated;
    for (const auto& kept : adoption.kept) {
      if (kept.now.phase != phase.name) continue;
      const std::string number = std::to_string(kept.now.number);
      const auto details = state.step_details.find(kept.then.phase);
      std::string detail;
      if (details != state.step_details.end() && details->second.count(kept.then.number) != 0)
        detail = details->second.at(kept.then.number);
      switch (kept.state) {
        case StepState::kFinished:
          out.push_back(record(JournalEvent::kStepFinished, phase.name, number, detail));
          break;
        case StepState::kSkipped:
          out.push_back(record(JournalEvent::kStepSkipped, phase.name, number, detail));
          break;
        case StepState::kFailed:
          out.push_back(record(JournalEvent::kStepFailed, phase.name, number, detail));
          break;
        default:
          restate_started(history, kept.then, kept.now, out);
      }
    }
    // Gates passed before stay passed, except the wait_for gates of a phase
    // opened again: its new steps may change what they say.
    const bool reopened = finished && !complete;
    if (const auto passed = state.passed_gates.find(phase.name);
        passed != state.passed_gates.end()) {
      for (const auto& gate : passed->second) {
        const bool required = contains(phase.require, gate);
        if (!required && (!contains(phase.wait_for, gate) || reopened)) continue;
        const auto skips = state.skipped_gates.find(phase.name);
        if (skips != state.skipped_gates.end() && skips->second.count(gate) != 0) {
          out.push_back(
              record(JournalEvent::kGateSkipped, phase.name, gate, skips->second.at(gate)));
        } else {
          out.push_back(record(JournalEvent::kGateGreen, phase.name, gate, ""));
        }
      }
    }
    if (skipped) {
      out.push_back(record(JournalEvent::kPhaseSkipped, phase.name, "", "skipped before adoption"));
    } else if (finished && complete) {
      out.push_back(record(JournalEvent::kPhaseFinished, phase.name, "", ""));
    } else if (phase.name == state.current_phase) {
      out.push_back(record(JournalEvent::kPhaseStarted, phase.name, "", ""));
    }
  }
  return adoption;
}

std::vector<std::string> describe_adoption(const Adoption& adoption) {
  std::vector<std::string> lines;
  auto name = [](const OutlineStep& step) {
    return fmt::format("phase {} step {}", step.phase, step.number);
  };
  lines.push_back("What changed (- as the run follows it, + the runbook now):");
  for (const auto& line : adoption.diff) lines.push_back("  " + line);
  lines.push_back(
      "Steps of the run that keep their state (mapped by id or by identical content, "
      "never by place):");
  if (adoption.kept.empty()) lines.push_back("  (none)");
  for (const auto& kept : adoption.kept) {
    lines.push_back(fmt::format("  {} -> {}: {} ({})", name(kept.then), name(kept.now),
                                state_words(kept.state),
                                kept.by_id ? "id " + kept.then.id : "same content"));
  }
  lines.push_back(
      "Steps of the run the edited runbook no longer has (the run forgets them; "
      "what they did stays done):");
  if (adoption.dropped.empty()) lines.push_back("  (none)");
  for (const auto& [step, state] : adoption.dropped)
    lines.push_back(fmt::format("  {}: {}: {}", name(step), state_words(state), step.content));
  lines.push_back("Steps that have not run in this run and will run when it reaches them:");
  if (adoption.not_run.empty()) lines.push_back("  (none)");
  for (const auto& step : adoption.not_run)
    lines.push_back(fmt::format("  {}: {}", name(step), step.content));
  for (const auto& phase : adoption.reopened) {
    lines.push_back(fmt::format(
        "Phase {} was finished; it is opened again for its new steps (its wait_for gates are "
        "waited on again).",
        phase));
  }
  return lines;
}

void adopt(const RunStore& store, const std::string& run, const Runbook& now,
           const Adoption& adoption, const std::string& who) {
  const auto records = read_journal(store.journal(run));
  const std::uint64_t sequence = records.empty() ? 1 : records.back().sequence + 1;
  const std::string outline = fmt::format("outline.{}", sequence);
  // Left by an adoption cut short before its record: nothing refers to it.
  std::filesystem::remove(store.directory(run) / outline);
  write_outline(store.directory(run), now, outline);
  auto journal = Journal::open(store.journal(run));
  if (const auto print = outline_fingerprint(store.directory(run), outline))
    journal.append(JournalEvent::kRunOutline, "", outline, *print);
  journal.append(JournalEvent::kRunAdopted, "",
                 fmt::format("{} {}", outline, adoption.restated.size()),
                 fmt::format("adopted runbook {} as edited: {} step{} kept, {} dropped, {} to run "
                             "(by {})",
                             now.name, adoption.kept.size(), adoption.kept.size() == 1 ? "" : "s",
                             adoption.dropped.size(), adoption.not_run.size(), who));
  for (const auto& r : adoption.restated) journal.append(r.event, r.phase, r.step, r.detail);
}

}  // namespace greenlight::runbook
