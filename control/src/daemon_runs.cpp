#include "greenlight/control/daemon_runs.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenlight/control/published_run.h"
#include "greenlight/core/log.h"
#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_host.h"
#include "greenlight/runbook/run_store.h"
#include "held_run.h"

namespace greenlight::control {
namespace {

constexpr std::size_t kEndedKept = 10;
constexpr auto kPublishEvery = std::chrono::seconds(1);

// What a request asks for, in the words of the log line.
std::string describe(const Request& request) {
  switch (request.kind) {
    case Request::Kind::kExec:
      return fmt::format("exec {}", request.runbook);
    case Request::Kind::kAnswer:
      return fmt::format("answer question {} of run {}", request.question, request.run);
    default:
      return fmt::format("{} run {}", to_string(request.kind), request.run);
  }
}

// What exec and resume requests set alike; throws std::runtime_error when
// --exclude is not a node set of the site.
runbook::ExecutorOptions options_of(const Request& request, const Connection& connection,
                                    const RunPlace& place) {
  runbook::check_exclusion(*place.site, *place.groups, request.exclude,
                           place.books != nullptr ? std::span<const runbook::Runbook>(*place.books)
                                                  : std::span<const runbook::Runbook>());
  runbook::ExecutorOptions options;
  options.assume_yes = request.yes;
  options.exclude = request.exclude;
  options.excluded_by = connection.peer().describe() + " through the control socket";
  options.approved_by = options.excluded_by;
  options.refresh_groups = place.refresh_groups;
  return options;
}

}  // namespace

DaemonRuns::DaemonRuns(asio::io_context& io, std::function<RunPlace()> place)
    : io_(io), place_(std::move(place)), timer_(io) {}

void DaemonRuns::refuse(const std::shared_ptr<Connection>& connection, std::string message,
                        std::string code) {
  if (refused_.empty()) refused_ = message;
  Event error;
  error.kind = Event::Kind::kError;
  error.message = std::move(message);
  error.code = std::move(code);
  connection->send(error);
}

DaemonRuns::~DaemonRuns() {
  *alive_ = false;
  timer_.cancel();
}

void DaemonRuns::serve(std::shared_ptr<Connection> connection) {
  std::weak_ptr<Connection> weak = connection;
  connection->start(
      [this, weak, alive = alive_](const std::string& line) {
        if (auto c = weak.lock(); c && *alive) handle(c, line);
      },
      [this, weak, alive = alive_] {
        if (!*alive) return;
        auto c = weak.lock();
        for (auto& [id, run] : runs_) run->detach(c.get());
      });
}

std::vector<std::string> DaemonRuns::active() const {
  std::vector<std::string> out;
  for (const auto& [id, run] : runs_) {
    if (!run->ended()) out.push_back(id);
  }
  return out;
}

void DaemonRuns::handle(const std::shared_ptr<Connection>& connection, const std::string& line) {
  refused_.clear();
  started_.clear();
  Request request;
  try {
    request = decode_request(line);
  } catch (const ProtocolError& error) {
    refuse(connection, std::string("bad request: ") + error.what());
    return logged(*connection, "a malformed request");
  }
  try {
    switch (request.kind) {
      case Request::Kind::kExec:
        exec(connection, request);
        break;
      case Request::Kind::kResume:
        resume(connection, request);
        break;
      case Request::Kind::kAttach:
        attach(connection, request);
        break;
      case Request::Kind::kAbort:
        abort(connection, request);
        break;
      case Request::Kind::kAnswer:
        answer(connection, request);
        break;
    }
  } catch (const std::exception& error) {
    // Whatever failed here (a journal that cannot be made, a lock held
    // elsewhere, an executor that could not start) ended the run concerned
    // before it acted; the others go on.
    refuse(connection, fmt::format("{} refused: {}", to_string(request.kind), error.what()));
  }
  logged(*connection, describe(request));
}

// One line per request, accepted or refused, with who asked.
void DaemonRuns::logged(const Connection& connection, const std::string& what) const {
  if (!refused_.empty()) {
    log::warning("control: {} from {}: refused: {}", what, connection.peer().describe(), refused_);
  } else {
    log::info("control: {} from {}: {}", what, connection.peer().describe(),
              !started_.empty() ? "accepted, run " + started_ : std::string("accepted"));
  }
}

void DaemonRuns::exec(const std::shared_ptr<Connection>& connection, const Request& request) {
  const RunPlace place = place_();
  if (!place.refusal.empty()) return refuse(connection, place.refusal);
  const auto check = runbook::check_exec(*place.books, request.runbook, request.from);
  if (check.book == nullptr) return refuse(connection, check.refusal);
  const runbook::Runbook* book = check.book;
  const runbook::RunStore store(place.runs);
  runbook::ExecutorOptions options;
  try {
    // Refused before the run exists: a wrong --from-run or --exclude leaves nothing behind.
    options = options_of(request, *connection, place);
    options.from_phase = request.from;
    if (!request.from_run.empty()) {
      options.import_groups = runbook::saved_groups_of(store, request.from_run);
      options.import_from = request.from_run;
    }
  } catch (const std::exception& error) {
    return refuse(connection, error.what());
  }
  const runbook::NewRun created = runbook::create_run(store, *book);
  if (created.id.empty()) return refuse(connection, created.refusal);
  auto host = std::make_unique<runbook::RunHost>(io_, store, created.id);
  host->open_new();
  start(std::make_unique<HeldRun>(io_, *book, place, std::move(host), [this] { publish_soon(); }),
        connection, options);
}

void DaemonRuns::resume(const std::shared_ptr<Connection>& connection, const Request& request) {
  const RunPlace place = place_();
  if (!place.refusal.empty()) return refuse(connection, place.refusal);
  const runbook::RunStore store(place.runs);
  const std::string& id = request.run;
  if (runs_.count(id) != 0) {
    return refuse(connection, fmt::format("run {} already executes in greenlight serve; follow it "
                                          "with: greenlight runbook attach {}",
                                          id, id));
  }
  if (!store.exists(id))
    return refuse(connection, runbook::check_resume(store, *place.books, id).refusal);
  // Held by another process: refused (by handle) as "resume refused: the run
  // is being executed by process N; " and who it is, what to do.
  auto host = std::make_unique<runbook::RunHost>(io_, store, id);
  // Checked under the lock: the history is what the executor continues from.
  auto check = runbook::check_resume(store, *place.books, id);
  if (check.verdict != runbook::ResumeCheck::Verdict::kResumable)
    return refuse(connection, check.refusal);
  host->open_resumed(std::move(check.history));
  auto run = std::make_unique<HeldRun>(io_, *check.book, place, std::move(host),
                                       [this] { publish_soon(); });
  runbook::ExecutorOptions options;
  try {
    options = options_of(request, *connection, place);
  } catch (const std::exception& error) {
    return refuse(connection, error.what());
  }
  start(std::move(run), connection, options);
}

// Registers the run and attaches the client before the executor starts, so
// that the client sees its first lines. A start that throws ends the run.
void DaemonRuns::start(std::unique_ptr<HeldRun> run, const std::shared_ptr<Connection>& connection,
                       const runbook::ExecutorOptions& options) {
  const std::string id = run->id();
  started_ = id;
  HeldRun& held = *run;
  held.attach(connection);
  runs_[id] = std::move(run);
  publish_soon();
  if (runs_.size() == 1) tick();
  try {
    held.start(options, [this, id](runbook::RunOutcome outcome) {
      auto it = runs_.find(id);
      if (it != runs_.end()) it->second->end(runbook::to_string(outcome), "");
      ended(id);
    });
  } catch (const std::exception& error) {
    if (auto it = runs_.find(id); it != runs_.end() && !it->second->ended()) {
      it->second->end(kStoppedOutcome, fmt::format("the run could not start: {}", error.what()));
      ended(id);
    }
    throw;
  }
}

void DaemonRuns::attach(const std::shared_ptr<Connection>& connection, const Request& request) {
  auto it = runs_.find(request.run);
  if (it == runs_.end() || it->second->ended()) {
    const RunPlace place = place_();
    const runbook::RunStore store(place.runs);
    std::string where;
    if (!store.exists(request.run)) {
      where = fmt::format("there is no run '{}' in {}", request.run, store.root().string());
    } else if (const int pid = runbook::RunLock::holder(store.directory(request.run)); pid != 0) {
      where = runbook::holder_advice(request.run, runbook::lock_holder(pid));
    } else {
      where = fmt::format(
          "see greenlight runbook status {}; continue it with greenlight runbook "
          "resume {}",
          request.run, request.run);
    }
    return refuse(
        connection,
        fmt::format("run {} is not executing in greenlight serve: {}", request.run, where),
        "not-held");
  }
  it->second->attach(connection);
}

void DaemonRuns::abort(const std::shared_ptr<Connection>& connection, const Request& request) {
  auto it = runs_.find(request.run);
  if (it == runs_.end() || it->second->ended()) {
    return refuse(connection,
                  fmt::format("run {} is not executing in greenlight serve", request.run),
                  "not-held");
  }
  HeldRun& held = *it->second;
  held.attach(connection);  // to see it end
  try {
    held.abort(request.reason.empty() ? fmt::format("aborted with greenlight runbook abort by {}",
                                                    connection->peer().describe())
                                      : request.reason,
               connection->peer());
  } catch (...) {
    if (held.ended()) ended(request.run);
    throw;
  }
  if (held.ended()) ended(request.run);
}

void DaemonRuns::answer(const std::shared_ptr<Connection>& connection, const Request& request) {
  auto it = runs_.find(request.run);
  if (it == runs_.end() || it->second->ended()) {
    return refuse(connection,
                  fmt::format("run {} is not executing in greenlight serve", request.run),
                  "not-held");
  }
  // The client keeps following the run (its operator sees who answered).
  if (std::string why = it->second->answer(request, connection->peer()); !why.empty()) {
    refuse(connection, why, "answer-refused");
    it->second->ask_again(connection);
  }
}

// The run stays published as it ended; the executor goes once the call
// that ended it has returned.
void DaemonRuns::ended(const std::string& run) {
  auto it = runs_.find(run);
  if (it == runs_.end()) return;
  ended_.erase(std::remove_if(ended_.begin(), ended_.end(),
                              [&run](const exporter::RunState& r) { return r.id == run; }),
               ended_.end());
  const auto previous = published_.find(run);
  ended_.push_back(
      it->second->publication(std::chrono::system_clock::now(),
                              previous == published_.end() ? nullptr : &previous->second));
  if (ended_.size() > kEndedKept) ended_.erase(ended_.begin());
  published_.erase(run);
  finished_.push_back(std::move(it->second));
  runs_.erase(it);
  asio::post(io_, [this, alive = alive_] {
    if (*alive) finished_.clear();
  });
  publish_soon();
}

void DaemonRuns::stop_all(const std::string& why) {
  std::vector<std::string> ids;
  for (const auto& [id, run] : runs_) ids.push_back(id);
  for (const auto& id : ids) {
    runs_[id]->end(kStoppedOutcome, fmt::format("{}; the run stays as journaled: greenlight runbook "
                                          "resume {}",
                                          why, id));
    ended(id);
  }
}

void DaemonRuns::publish_soon() {
  if (publication_pending_) return;
  publication_pending_ = true;
  asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    publication_pending_ = false;
    publish();
  });
}

void DaemonRuns::publish() {
  const auto now = std::chrono::system_clock::now();
  auto next = std::make_shared<exporter::CollectedRuns>();
  next->run_states = run_state_words();
  next->runs = ended_;
  for (const auto& [id, run] : runs_) {
    const auto previous = published_.find(id);
    auto state = run->publication(now, previous == published_.end() ? nullptr : &previous->second);
    published_[id] = state;
    next->runs.push_back(std::move(state));
    for (auto& gate : run->gates(now)) next->gates.push_back(std::move(gate));
  }
  std::lock_guard lock(publication_mutex_);
  next->number = publication_->number + 1;
  publication_ = std::move(next);
}

std::shared_ptr<const exporter::CollectedRuns> DaemonRuns::collect() const {
  std::lock_guard lock(publication_mutex_);
  return publication_;
}

void DaemonRuns::tick() {
  timer_.expires_after(kPublishEvery);
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    publish();
    if (!runs_.empty()) tick();
  });
}

}  // namespace greenlight::control
