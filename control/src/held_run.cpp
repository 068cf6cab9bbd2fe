#include "held_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "greenlight/control/published_run.h"
#include "greenlight/core/log.h"
#include "greenlight/runbook/reason.h"

namespace greenlight::control {
namespace {

constexpr std::size_t kKeptLines = 200;   // progress lines kept for clients attaching later
constexpr std::size_t kReplayed = 40;     // of which an attaching client gets the last ones
std::uint64_t next_question_id = 0;  // the io_context's thread only

// What a journal record's step field holds, for the log.
std::string step_field_name(runbook::JournalEvent event) {
  using runbook::JournalEvent;
  switch (event) {
    case JournalEvent::kGateWaiting:
    case JournalEvent::kGateGreen:
    case JournalEvent::kGateTimedOut:
    case JournalEvent::kGateSkipped:
    case JournalEvent::kRemedyStarted:
    case JournalEvent::kRemedyStep:
    case JournalEvent::kRemedyFinished:
      return "gate";
    case JournalEvent::kNodesExcluded:
      return "nodes";
    case JournalEvent::kRunGroupImported:
      return "group";
    case JournalEvent::kRunOutline:
      return "file";
    case JournalEvent::kNotified:
      return "event";
    default:
      return "step";
  }
}

// A run's transition as serve logs it, once, when its journal has it on
// disk: "run RUN: EVENT phase PHASE step STEP: DETAIL" (the journal's words).
// What needs someone (a pause, a failure, a timeout, an abort) is a warning;
// the bookkeeping of a step's processes is debug.
void log_transition(const std::string& run, const runbook::JournalRecord& record) {
  using runbook::JournalEvent;
  log::Level level = log::Level::kInfo;
  switch (record.event) {
    case JournalEvent::kRunPaused:
    case JournalEvent::kStepFailed:
    case JournalEvent::kGateTimedOut:
    case JournalEvent::kRunAborted:
      level = log::Level::kWarning;
      break;
    case JournalEvent::kStepProcess:
    case JournalEvent::kStepRemote:
      level = log::Level::kDebug;
      break;
    default:
      break;
  }
  if (!log::enabled(level)) return;
  std::string where;
  if (!record.phase.empty()) where += " phase " + record.phase;
  if (!record.step.empty()) where += " " + step_field_name(record.event) + " " + record.step;
  log::write(level, fmt::format("run {}: {}{}{}", run, runbook::to_string(record.event), where,
                                record.detail.empty() ? "" : ": " + record.detail));
}

std::string choices_of(const runbook::Pause& pause) {
  std::string out;
  for (const auto kind : pause.choices) out += std::string(runbook::to_string(kind)) + ", ";
  return out + "later";
}

}  // namespace

HeldRun::HeldRun(asio::io_context& io, const runbook::Runbook& book, RunPlace place,
                 std::unique_ptr<runbook::RunHost> host, std::function<void()> changed)
    : io_(io),
      book_(book),
      place_(std::move(place)),
      host_(std::move(host)),
      changed_(std::move(changed)) {}

HeldRun::~HeldRun() {
  host_.reset();  // the executor, then the lock
  for (const auto& client : clients_) client->close();
}

void HeldRun::start(runbook::ExecutorOptions options,
                    std::function<void(runbook::RunOutcome)> done) {
  host_->start(runbook::Executor::Context{io_, book_, *place_.site, *place_.groups, *place_.runner,
                                          place_.endpoint_for, *place_.results, *this},
               std::move(options), std::move(done),
               [id = id()](const runbook::JournalRecord& r) { log_transition(id, r); });
}

void HeldRun::attach(const std::shared_ptr<Connection>& client) {
  clients_.push_back(client);
  Event accepted;
  accepted.kind = Event::Kind::kAccepted;
  accepted.run = id();
  accepted.runbook = book_.name;
  accepted.journal = host_->journal_path().string();
  client->send(accepted);
  Event line;
  line.run = id();
  const std::size_t from = lines_.size() > kReplayed ? lines_.size() - kReplayed : 0;
  for (std::size_t i = from; i < lines_.size(); ++i) {
    line.line = lines_[i];
    client->send(line);
  }
  if (host_->snapshot()) {  // where the run stands (nothing yet for a run starting)
    line.line = summary();
    client->send(line);
  }
  ask_again(client);
}

void HeldRun::ask_again(const std::shared_ptr<Connection>& client) const {
  if (!question_) return;
  Event question;
  question.kind = Event::Kind::kQuestion;
  question.run = id();
  question.question = *question_;
  client->send(question);
}

void HeldRun::detach(const Connection* client) {
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [client](const std::shared_ptr<Connection>& c) {
                                  return c.get() == client;
                                }),
                 clients_.end());
}

std::string HeldRun::refuse_answer(const Request& request, const Peer& by, std::string why) {
  std::string said = request.decision ? runbook::to_string(*request.decision)
                                      : std::string(request.yes ? "yes" : "no");
  report(fmt::format("  answer '{}' of {} not taken: {}", said, by.describe(), why));
  return why;
}

std::string HeldRun::answer(const Request& request, const Peer& by) {
  if (!question_ || request.question != question_->id) {
    std::string why = fmt::format("question {} of run {} is not open", request.question, id());
    if (last_answered_ != 0 && last_answered_ == request.question)
      why += fmt::format(": question {} was {}", last_answered_, last_answer_);
    if (question_) why += fmt::format(" (question {} is)", question_->id);
    return refuse_answer(request, by, std::move(why));
  }
  std::string said;
  if (question_->kind == Question::Kind::kDecide) {
    if (!request.decision)
      return refuse_answer(request, by, fmt::format("the run is paused: answer one of {}",
                                                    choices_of(question_->pause)));
    const auto kind = *request.decision;
    const auto& choices = question_->pause.choices;
    if (kind != runbook::Decision::Kind::kLeavePaused &&
        std::find(choices.begin(), choices.end(), kind) == choices.end()) {
      return refuse_answer(request, by,
                           fmt::format("'{}' is not one of the choices: {}",
                                       runbook::to_string(kind), choices_of(question_->pause)));
    }
    if (auto why = runbook::decision_reason_problem(kind, request.reason))
      return refuse_answer(request, by, std::move(*why));
    const runbook::Decision decision{kind, request.reason};
    asio::post(io_, [reply = std::move(on_decision_), decision] { reply(decision); });
    said = runbook::to_string(kind);
  } else {
    if (request.decision) return refuse_answer(request, by, "the question is answered yes or no");
    const bool yes = request.yes;
    asio::post(io_, [reply = std::move(on_yes_no_), yes] { reply(yes); });
    if (question_->kind == Question::Kind::kAcknowledge)
      said = yes ? "done" : "not done";
    else
      said = yes ? "yes" : "no";
  }
  answered_by_ = by.describe() + " through the control socket";
  last_answered_ = question_->id;
  last_answer_ = fmt::format("answered by {}: {}", by.describe(), said);
  Event answered;
  answered.kind = Event::Kind::kAnswered;
  answered.run = id();
  answered.question.id = question_->id;
  answered.by = by.describe();
  question_.reset();
  broadcast(answered);
  report(fmt::format("  answered by {}: {}", by.describe(), said));
  return {};
}

void HeldRun::abort(const std::string& reason, const Peer& by) {
  if (question_ && question_->kind == Question::Kind::kDecide) {
    const auto& choices = question_->pause.choices;
    if (std::find(choices.begin(), choices.end(), runbook::Decision::Kind::kAbort) !=
        choices.end()) {
      Request request;
      request.kind = Request::Kind::kAnswer;
      request.question = question_->id;
      request.decision = runbook::Decision::Kind::kAbort;
      request.reason = reason;
      answer(request, by);
      return;  // the executor journals it, with who, and ends the run
    }
  }
  question_.reset();
  try {
    host_->abort(reason, by.describe() + " through the control socket");
  } catch (const std::exception& error) {
    end(kStoppedOutcome, fmt::format("the abort could not be journaled ({}): the run stays as its "
                               "journal says",
                               error.what()));
    throw;
  }
  report("run aborted: " + reason);
  end(runbook::to_string(runbook::RunOutcome::kAborted), reason);
}

void HeldRun::end(const std::string& outcome, const std::string& message) {
  // Stopped from outside the executor (serve stops, a journal failed, the
  // start threw): it goes now, while what it refers to still exists. A run
  // that ended by itself keeps its executor until the call that ended it
  // has returned (DaemonRuns destroys it later).
  if (outcome == kStoppedOutcome) host_->stop(message);
  ended_ = true;
  question_.reset();
  // The other outcomes were journaled, and logged with the journal's record.
  if (outcome == kStoppedOutcome) log::warning("run {}: stopped: {}", id(), message);
  Event event;
  event.kind = Event::Kind::kEnded;
  event.run = id();
  event.outcome = outcome;
  event.message = message;
  broadcast(event);
  for (const auto& client : clients_) client->close();
  clients_.clear();
  changed_();
}

exporter::RunState HeldRun::publication(std::chrono::system_clock::time_point now,
                                        const exporter::RunState* previous) const {
  return published_run(current(), host_->started(), now, previous);
}

std::vector<exporter::GateState> HeldRun::gates(std::chrono::system_clock::time_point now) const {
  if (ended_ || !host_->executing()) return {};
  return published_gates(*host_->snapshot(), now);
}

runbook::RunSnapshot HeldRun::current() const {
  if (auto snapshot = host_->snapshot()) return *std::move(snapshot);
  runbook::RunSnapshot none;  // the executor could not start
  none.run = id();
  none.runbook = book_.name;
  none.state = runbook::RunSnapshot::State::kPaused;
  return none;
}

std::string HeldRun::summary() const {
  const auto snapshot = current();
  const auto published =
      published_run(snapshot, host_->started(), std::chrono::system_clock::now());
  std::string where;
  std::size_t done = 0;
  for (std::size_t i = 0; i < snapshot.phases.size(); ++i) {
    const auto& phase = snapshot.phases[i];
    if (phase.state == runbook::PhaseState::kDone || phase.state == runbook::PhaseState::kSkipped)
      ++done;
    if (phase.state == runbook::PhaseState::kRunning)
      where = fmt::format(", phase {} ({}/{})", phase.name, i + 1, snapshot.phases.size());
  }
  return fmt::format("run {} of {} is {}{}, {} of {} phases done{}", id(), book_.name,
                     runbook::describe(snapshot.state), where, done, snapshot.phases.size(),
                     published.message.empty() ? "" : ": " + published.message);
}

void HeldRun::confirm(const std::string& text, std::function<void(bool)> reply) {
  on_yes_no_ = std::move(reply);
  Question q;
  q.kind = Question::Kind::kConfirm;
  q.text = text;
  ask(std::move(q));
}

void HeldRun::acknowledge(const std::string& instruction, std::function<void(bool)> done) {
  on_yes_no_ = std::move(done);
  Question q;
  q.kind = Question::Kind::kAcknowledge;
  q.text = instruction;
  ask(std::move(q));
}

void HeldRun::decide(const runbook::Pause& pause, std::function<void(runbook::Decision)> reply) {
  on_decision_ = std::move(reply);
  Question q;
  q.kind = Question::Kind::kDecide;
  q.pause = pause;
  ask(std::move(q));
}

void HeldRun::report(const std::string& line) {
  lines_.push_back(line);
  if (lines_.size() > kKeptLines) lines_.pop_front();
  Event event;
  event.run = id();
  event.line = line;
  broadcast(event);
  changed_();
}

void HeldRun::ask(Question question) {
  question.id = ++next_question_id;
  question_ = std::move(question);
  Event event;
  event.kind = Event::Kind::kQuestion;
  event.run = id();
  event.question = *question_;
  broadcast(event);
  changed_();
}

void HeldRun::broadcast(const Event& event) {
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [](const std::shared_ptr<Connection>& c) { return c->closed(); }),
                 clients_.end());
  for (const auto& client : clients_) client->send(event);
}

}  // namespace greenlight::control
