#include "greenlight/runbook/notifier.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "greenlight/core/log.h"
#include "greenlight/core/one_line.h"
#include "greenlight/core/process.h"
#include "greenlight/core/utc_time.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/run_store.h"

namespace greenlight::runbook {
namespace {

constexpr std::size_t kReasonCap = 4096;
constexpr std::size_t kErrorCut = 300;

bool is_gate_record(JournalEvent event) { return event == JournalEvent::kGateTimedOut; }

}  // namespace

std::optional<std::string> notify_event_of(const JournalRecord& record) {
  switch (record.event) {
    case JournalEvent::kRunPaused:
      return "paused";
    case JournalEvent::kStepFailed:
    case JournalEvent::kGateTimedOut:
      return "failed";
    case JournalEvent::kRunFinished:
      return "finished";
    case JournalEvent::kRunAborted:
      return "aborted";
    default:
      // The run waits for an answer: in serve nobody may be attached.
      if (asks_operator(record)) return "asking";
      return std::nullopt;
  }
}

std::string notify_host(const config::Site& site) {
  if (const config::Host* self = site.self_host(); self != nullptr) return self->name;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

std::string notify_status_url(const config::Site& site, const std::string& host) {
  if (!site.notify.status_url.empty()) return site.notify.status_url;
  std::string listen = site.exporter.listen;
  const auto colon = listen.rfind(':');
  if (colon != std::string::npos && listen.substr(0, colon) == "0.0.0.0")
    listen = host + listen.substr(colon);
  return fmt::format("{}://{}/", site.exporter.tls_certificate.empty() ? "http" : "https", listen);
}

NotifyRun notify_run(const config::Site& site, std::string run, std::string runbook) {
  const std::string host = notify_host(site);
  return NotifyRun{std::move(run), std::move(runbook), notify_status_url(site, host), host};
}

std::vector<std::string> notify_environment(const NotifyRun& run, const std::string& event,
                                            const JournalRecord& record) {
  std::vector<std::string> env;
  // Only what a mail or an HTTP client needs of greenlight's own
  // environment: never all of it, where a BMC password or a token may be.
  for (const char* name : {"PATH", "HOME", "LANG", "TZ", "USER", "LOGNAME"}) {
    if (const char* value = std::getenv(name); value != nullptr)
      env.push_back(fmt::format("{}={}", name, value));
  }
  if (std::getenv("PATH") == nullptr)
    env.emplace_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  std::string reason = record.detail.substr(0, kReasonCap);
  const bool gate = is_gate_record(record.event);
  env.push_back("GREENLIGHT_RUN=" + run.run);
  env.push_back("GREENLIGHT_RUNBOOK=" + run.runbook);
  env.push_back("GREENLIGHT_EVENT=" + event);
  env.push_back("GREENLIGHT_PHASE=" + record.phase);
  env.push_back("GREENLIGHT_STEP=" + (gate ? std::string() : record.step));
  env.push_back("GREENLIGHT_GATE=" + (gate ? record.step : std::string()));
  env.push_back("GREENLIGHT_REASON=" + reason);
  env.push_back("GREENLIGHT_STATUS_URL=" + run.status_url);
  env.push_back("GREENLIGHT_HOST=" + run.host);
  env.push_back("GREENLIGHT_TIME=" + utc_time(record.unix_ms, true));
  return env;
}

std::string notify_outcome(const ProcessResultView& result) {
  if (result.ok) return result.described;
  std::string err = result.err.substr(0, kErrorCut);
  const auto last = err.find_last_not_of(" \t\r\n");
  err = last == std::string::npos ? std::string() : one_line(err.substr(0, last + 1));
  return err.empty() ? result.described : result.described + ": " + err;
}

struct Notifier::State {
  asio::io_context& io;
  config::NotifySettings settings;
  NotifyRun run;
  JournalAppender appender;
  std::filesystem::path journal;
  std::size_t running = 0;
  std::vector<std::function<void()>> idle;

  State(asio::io_context& io_context, config::NotifySettings s, NotifyRun r)
      : io(io_context), settings(std::move(s)), run(std::move(r)) {}

  // The outcome in the run's journal: through the journal while it is open;
  // after the run ended, opened again (nobody else writes to a finished or
  // aborted run's journal) unless another process holds the run.
  void record(const std::string& event, const JournalRecord& told, const std::string& outcome) {
    try {
      if (appender.append(JournalEvent::kNotified, told.phase, event, outcome)) return;
      const bool ended = event == "finished" || event == "aborted";
      const int holder = journal.empty() ? 0 : RunLock::holder(journal.parent_path());
      if (ended && !journal.empty() && (holder == 0 || holder == ::getpid())) {
        Journal::open(journal).append(JournalEvent::kNotified, told.phase, event, outcome);
        return;
      }
      log::warning("run {}: notify {}: {} (not journaled: the journal is closed)", run.run, event,
                   outcome);
    } catch (const std::exception& error) {
      log::warning("run {}: notify {}: {} (not journaled: {})", run.run, event, outcome,
                   error.what());
    }
  }

  void finished_one() {
    if (--running > 0) return;
    auto waiting = std::move(idle);
    idle.clear();
    for (auto& done : waiting) done();
  }
};

Notifier::Notifier(asio::io_context& io, config::NotifySettings settings, NotifyRun run)
    : state_(std::make_shared<State>(io, std::move(settings), std::move(run))) {}

Notifier::~Notifier() = default;

void Notifier::watch(Journal& journal, std::function<void(const JournalRecord&)> also) {
  state_->appender = journal.appender();
  state_->journal = journal.path();
  // The journal may outlive this notifier (it moves with the executor).
  journal.on_append(
      [weak = std::weak_ptr<State>(state_), also = std::move(also)](const JournalRecord& record) {
        if (also) also(record);
        if (auto state = weak.lock()) start_notification(state, record);
      });
}

void Notifier::start_notification(const std::shared_ptr<State>& state,
                                  const JournalRecord& record) {
  const auto& settings = state->settings;
  if (settings.command.empty()) return;
  const auto event = notify_event_of(record);
  if (!event ||
      std::find(settings.events.begin(), settings.events.end(), *event) == settings.events.end())
    return;
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", settings.command};
  spec.env = notify_environment(state->run, *event, record);
  spec.timeout = settings.timeout;
  spec.kill_grace = std::chrono::milliseconds(1000);
  spec.output_cap = 64 * 1024;
  ++state->running;
  log::debug("run {}: notify {}: started", state->run.run, *event);
  start_process(state->io, std::move(spec), [state, event = *event, record](ProcessResult result) {
    // The deadline as configured: the time measured overshoots it by the
    // moment the group took to go.
    const std::string described = result.outcome == ProcessResult::Outcome::kTimedOut
                                      ? "timed out after " + duration(state->settings.timeout)
                                      : result.describe();
    const std::string outcome = notify_outcome({described, result.ok(), result.err});
    if (result.ok()) {
      log::info("run {}: notify {}: {}", state->run.run, event, outcome);
    } else {
      log::warning("run {}: notify {}: {}", state->run.run, event, outcome);
    }
    state->record(event, record, outcome);
    state->finished_one();
  });
}

void Notifier::when_idle(std::function<void()> done) {
  if (state_->running == 0) {
    done();
    return;
  }
  state_->idle.push_back(std::move(done));
}

std::size_t Notifier::running() const { return state_->running; }

}  // namespace greenlight::runbook
