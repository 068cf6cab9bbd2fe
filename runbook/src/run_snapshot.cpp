// The words of a run's states and phases, and a run's remedies as its
// journal tells them (run_snapshot.h).
#include "greenlight/runbook/run_snapshot.h"

#include <algorithm>

namespace greenlight::runbook {

std::vector<RunSnapshot::RemedyView> remedies_of(const std::vector<JournalRecord>& records,
                                                 bool live) {
  std::vector<RunSnapshot::RemedyView> out;
  std::vector<std::string> started;  // the started record's detail, per view
  for (const auto& record : records) {
    if (record.event != JournalEvent::kRemedyStarted &&
        record.event != JournalEvent::kRemedyFinished)
      continue;
    auto view = std::find_if(out.begin(), out.end(), [&record](const auto& v) {
      return v.phase == record.phase && v.gate == record.step;
    });
    if (view == out.end()) {
      out.push_back({record.phase, record.step, 0, false, {}});
      started.emplace_back();
      view = out.end() - 1;
    }
    std::string& head = started[static_cast<std::size_t>(view - out.begin())];
    if (record.event == JournalEvent::kRemedyStarted) {
      ++view->attempts;
      view->running = true;
      head = record.detail;
      view->last = head + ": running";
    } else {
      view->running = false;
      view->last = head + ": " + record.detail;
    }
  }
  if (!live) {
    for (auto& view : out) {
      if (!view.running) continue;
      view.running = false;
      view.last = started[static_cast<std::size_t>(&view - out.data())] +
                  ": interrupted (greenlight stopped during it; resume finishes it)";
    }
  }
  return out;
}

const char* to_string(PhaseState state) {
  switch (state) {
    case PhaseState::kPending:
      return "pending";
    case PhaseState::kRunning:
      return "running";
    case PhaseState::kDone:
      return "done";
    case PhaseState::kSkipped:
      return "skipped";
  }
  return "?";
}

namespace {

// Each state's word (the protocol's, the exporter's) and its sentence form.
struct StateWords {
  RunSnapshot::State state;
  const char* word;
  const char* sentence;
};
constexpr StateWords kStateWords[] = {
    {RunSnapshot::State::kRunning, "running", "running"},
    {RunSnapshot::State::kWaitingForGate, "waiting", "waiting for a gate"},
    {RunSnapshot::State::kWaitingForOperator, "asking", "waiting for the operator"},
    {RunSnapshot::State::kPaused, "paused", "paused"},
    {RunSnapshot::State::kFinished, "done", "finished"},
    {RunSnapshot::State::kAborted, "aborted", "aborted"},
    {RunSnapshot::State::kPoweredOff, "powered-off", "powered off"},
};

const StateWords& words_of(RunSnapshot::State state) {
  for (const auto& words : kStateWords)
    if (words.state == state) return words;
  return kStateWords[0];
}

}  // namespace

const char* to_string(RunSnapshot::State state) { return words_of(state).word; }

const char* describe(RunSnapshot::State state) { return words_of(state).sentence; }

std::optional<RunSnapshot::State> parse_run_state(std::string_view word) {
  for (const auto& words : kStateWords)
    if (word == words.word) return words.state;
  return std::nullopt;
}

}  // namespace greenlight::runbook
