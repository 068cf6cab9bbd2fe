// greenlight serve: runs every check of the site on its schedule and serves
// /metrics, the JSON API, the status page and health endpoints until SIGTERM
// or SIGINT. SIGHUP re-reads the configuration: a valid one replaces the
// checks, an invalid one is refused (its errors logged) and the running one
// stays. Runs submitted on the control socket (`greenlight runbook exec`)
// execute here, their gates fed by the same scheduler (serve_runs.cpp).
// Every runbook's readiness (`runbook check`) is judged again on the
// scheduler's results as they come in (control/published_readiness.h).
// Everything serve has to say goes to its log (greenlight/core/log.h): one
// line per event on stderr, its level set by -v, -q or the site's `log:`.
#include <fmt/format.h>
#include <malloc.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <sstream>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/scheduler.h"
#include "greenlight/checks/verdict_log.h"
#include "greenlight/control/published_readiness.h"
#include "greenlight/core/config.h"
#include "greenlight/core/error_text.h"
#include "greenlight/core/log.h"
#include "greenlight/core/process.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/exporter/server.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "runbook_wiring.h"
#include "serve_runs.h"
#include "serve_service.h"

namespace greenlight::app {
namespace {

// Each error of `diagnostics` as a line of its own ("FILE:LINE:COL: error: ...").
void log_errors(const config::Diagnostics& diagnostics) {
  // "FILE:L:C: message": the log line's level already says error.
  std::istringstream lines(diagnostics.format());
  for (std::string line; std::getline(lines, line);) {
    if (const auto at = line.find(": error: "); at != std::string::npos) line.erase(at, 7);
    log::error("{}", line);
  }
}

// One loaded configuration and the scheduler running its checks. A replaced
// generation is stopped but kept until serve exits: runs still in flight
// hold references to its checks.
struct Generation {
  config::Site site;
  std::shared_ptr<GroupResolver> groups;
  std::vector<std::unique_ptr<checks::Check>> checks;
  std::unique_ptr<SiteRunner> runner;  ///< with this generation's ssh settings
  std::unique_ptr<checks::Scheduler> scheduler;
  // What runs started under this configuration use.
  std::vector<runbook::Runbook> books;
  std::string runbook_errors;                 ///< not empty: no run may start
  std::shared_ptr<GroupResolver> run_groups;  ///< with the fleet checks' @vm: sources
  std::unique_ptr<runbook::SchedulerResults> results;
  /// The readiness report's: dynamic sources only from results already in
  /// (follow_result), so judging never runs a command on the loop's thread.
  std::shared_ptr<GroupResolver> readiness_groups;
};

// Reads and validates the configuration; nullptr with the errors (each with
// file:line:col) in `diagnostics` when it is not valid.
std::unique_ptr<Generation> load(const std::string& path, config::Diagnostics& diagnostics) {
  auto next = std::make_unique<Generation>();
  next->site = checks::load_site(path, diagnostics);
  // Every check is built even when the site has errors elsewhere, so that
  // all of them are reported at once (make_check never throws).
  next->groups = next->site.group_resolver();
  for (const auto& spec : next->site.checks) {
    next->checks.push_back(checks::make_check(spec, next->site, *next->groups, diagnostics));
  }
  if (!diagnostics.ok()) return nullptr;
  config::Diagnostics runbook_diagnostics;
  next->books = runbook::load_runbooks(next->site, runbook_diagnostics);
  if (!runbook_diagnostics.ok()) {
    log_errors(runbook_diagnostics);
    next->runbook_errors = fmt::format(
        "the site's runbooks have {} error(s) (see greenlight config check): greenlight serve "
        "takes no run until they are fixed and it is reloaded",
        runbook_diagnostics.errors().size());
  }
  next->run_groups = runbook_groups(next->site);
  next->readiness_groups = next->site.group_resolver();
  next->readiness_groups->set_default("site");
  return next;
}

class Service {
 public:
  Service(asio::io_context& io, exporter::Snapshot& snapshot)
      : io_(io), snapshot_(snapshot), readiness_timer_(io) {}

  // Declares the generation's checks in the snapshot and starts them; the
  // previous generation stops and its late results are ignored.
  void run(std::unique_ptr<Generation> next) {
    if (current_) {
      current_->scheduler->stop();
      retired_.push_back(std::move(current_));
    }
    const unsigned generation = ++generation_;
    Generation* current = next.get();
    next->scheduler = std::make_unique<checks::Scheduler>(
        io_,
        [this, generation, current](const std::string& name, const checks::CheckResult& result) {
          // Checks cut because serve stops say nothing of the cluster:
          // neither published nor logged as a change.
          if (generation == generation_ && !stopping_) {
            snapshot_.update(name, result);
            verdicts_.follow(name, result);
          }
          follow_result(current->site, *current->run_groups, name, result);
          follow_result(current->site, *current->readiness_groups, name, result);
          if (generation == generation_) judge_readiness_soon();
        });
    const config::Site& site = next->site;
    next->runner = std::make_unique<SiteRunner>(io_, ssh_options(site.ssh));
    next->results = std::make_unique<runbook::SchedulerResults>(
        *next->scheduler, site, *next->run_groups, [current](const std::string& host) {
          return std::make_pair(site_endpoint(&current->site, host),
                                static_cast<CommandRunner*>(current->runner.get()));
        });
    std::vector<exporter::CheckState> declared;
    for (std::size_t i = 0; i < next->checks.size(); ++i) {
      const auto& spec = site.checks[i];
      Endpoint endpoint = site_endpoint(&site, spec.host);
      exporter::CheckState state;
      state.name = spec.name;
      state.kind = spec.kind;
      state.host = endpoint.node;
      declared.push_back(std::move(state));
      checks::Scheduler::Entry entry;
      entry.check = std::move(next->checks[i]);
      entry.endpoint = std::move(endpoint);
      entry.runner = next->runner.get();
      entry.interval = spec.interval;
      entry.timeout = spec.timeout;
      entry.jitter = spec.jitter;
      next->scheduler->add(std::move(entry));
    }
    snapshot_.redeclare(declared);
    next->scheduler->start();
    current_ = std::move(next);
    judge_readiness_soon();
  }

  const config::Site& site() const { return current_->site; }
  /// The address the server listens on, once it is known (port 0): the
  /// status URL of notifications. The io_context's thread only.
  void set_listen(const std::string& listen) { current_->site.exporter.listen = listen; }
  /// Not empty when the running configuration's runbooks have errors.
  const std::string& runbook_errors() const { return current_->runbook_errors; }

  // Where a run submitted now executes: this configuration's runbooks,
  // runner and scheduler.
  control::RunPlace place() const {
    Generation& g = *current_;
    control::RunPlace place;
    place.site = &g.site;
    place.books = &g.books;
    place.groups = g.run_groups.get();
    place.runner = g.runner.get();
    place.results = g.results.get();
    place.refresh_groups = [site = &g.site, groups = g.run_groups.get()] {
      refresh_dynamic_groups(*site, *groups);
    };
    place.endpoint_for = [site = &g.site](const std::string& node) {
      return endpoint_of(*site, node);
    };
    place.runs = runs_directory(g.site, "");
    place.refusal = g.runbook_errors;
    return place;
  }

  void stop() {
    stopping_ = true;
    if (current_) current_->scheduler->stop();
    readiness_timer_.cancel();
  }

 private:
  // Results come in bursts (every check at start): one judgement per second
  // at most.
  void judge_readiness_soon() {
    if (readiness_pending_) return;
    readiness_pending_ = true;
    readiness_timer_.expires_after(std::chrono::seconds(1));
    readiness_timer_.async_wait([this](const boost::system::error_code& ec) {
      readiness_pending_ = false;
      if (ec || !current_) return;
      const Generation& g = *current_;
      try {
        snapshot_.publish_readiness(
            control::judge_runbooks(g.site, *g.readiness_groups, g.books, *g.scheduler));
      } catch (const std::exception& error) {
        // The checks and runs go on; the page keeps the last judgement.
        log::error("cannot judge the runbooks' readiness: {}", error.what());
      }
    });
  }

  asio::io_context& io_;
  exporter::Snapshot& snapshot_;
  std::unique_ptr<Generation> current_;
  std::vector<std::unique_ptr<Generation>> retired_;
  unsigned generation_ = 0;
  asio::steady_timer readiness_timer_;
  bool readiness_pending_ = false;
  checks::VerdictLog verdicts_;
  bool stopping_ = false;  ///< serve is stopping: late results are dropped
};

// The server's settings from the site's `exporter:`; its files are relative
// to the configuration file.
exporter::ServerOptions server_options(const config::Site& site, const std::string& listen) {
  auto file = [&site](const std::string& path) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (site.file.parent_path() / path).string();
  };
  const config::ExporterSettings& settings = site.exporter;
  return {listen.empty() ? settings.listen : listen, file(settings.tls_certificate),
          file(settings.tls_key), file(settings.basic_auth_file), file(settings.bearer_token_file)};
}

// What serve's command line sets over each configuration it loads: the log
// level (-v or -q when given, else the site's `log: {level}`) and the
// address it listens on (--listen, else `exporter: listen`), which the
// notifications' status URL is built from.
struct ServeOverrides {
  bool verbose = false;
  bool quiet = false;
  std::string listen;
  void apply(config::Site& site) const {
    if (!listen.empty()) site.exporter.listen = listen;
    log::set_level(verbose ? log::Level::kDebug
                   : quiet ? log::Level::kWarning
                           : log::level_from(site.log_level).value_or(log::Level::kInfo));
  }
};

// Waits for SIGHUP again after each one. A run in progress keeps the
// scheduler that feeds its gates: the reload waits until no run executes.
void on_hangup(asio::signal_set& hangup, Service& service, exporter::Server& server,
               const control::DaemonRuns& runs, const std::string& path,
               const ServeOverrides& verbosity) {
  hangup.async_wait([&hangup, &service, &server, &runs, &path, &verbosity](
                        const boost::system::error_code& ec, int) {
    if (ec) return;
    if (const auto active = runs.active(); !active.empty()) {
      // An error, as every refused reload: the new configuration waits for
      // someone to send SIGHUP again.
      log::error(
          "SIGHUP: run {} executes: the configuration is not reloaded while a run executes "
          "(send SIGHUP again once it ended)",
          active.front());
      return on_hangup(hangup, service, server, runs, path, verbosity);
    }
    notify_service_manager("RELOADING=1");
    config::Diagnostics diagnostics;
    decltype(load(path, diagnostics)) next;
    // What refused the reload, named in its last line.
    std::string refused = fmt::format("{} is not valid", path);
    try {
      next = load(path, diagnostics);
    } catch (const std::exception& error) {
      // Whatever the reason (bad_alloc included), a failed reload keeps the
      // running configuration.
      log::error("SIGHUP: cannot load {}: {}", path, error_text(error));
      next.reset();
    }
    if (next) {
      // Authentication files first: a bad one refuses the whole reload.
      try {
        server.reload_access(server_options(next->site, ""));
      } catch (const std::exception& error) {
        log::error("SIGHUP: {}", error.what());
        refused = "an authentication file of the exporter is not valid";
        next.reset();
      }
    }
    if (next && !next->runbook_errors.empty() && service.runbook_errors().empty()) {
      // At start, runbook errors leave the checks running and refuse runs;
      // on reload they would take working runbooks away: refused whole.
      refused = fmt::format("{}: {}", path, next->runbook_errors);
      next.reset();
    }
    if (next) {
      // Unfinished runs live in the runs directory: a reload that moves it
      // would hide them, and a new run of the same runbook would start.
      const auto before = runs_directory(service.site(), "");
      const auto after = runs_directory(next->site, "");
      if (before != after) {
        const auto unfinished = runbook::unfinished_runs(runbook::RunStore(before), "");
        if (!unfinished.empty()) {
          refused = fmt::format(
              "{} moves the runs directory from {} to {} while run {} has not ended (resume or "
              "abort it first)",
              path, before.string(), after.string(), unfinished.front().run);
          next.reset();
        }
      }
    }
    if (!next) {
      log_errors(diagnostics);
      log::error("SIGHUP: {}, keeping the running configuration", refused);
    } else {
      verbosity.apply(next->site);
      if (next->site.exporter.listen != service.site().exporter.listen)
        log::warning("SIGHUP: the listen address changes on restart only");
      const std::size_t count = next->site.checks.size();
      service.run(std::move(next));
      log::info("SIGHUP: reloaded {}, {} checks", path, count);
    }
    notify_service_manager("READY=1");
    on_hangup(hangup, service, server, runs, path, verbosity);
  });
}

int serve(const Invocation& invocation, const std::string& listen, const ServeOverrides& verbosity) {
  config::Diagnostics diagnostics;
  auto first = load(invocation.config_path, diagnostics);
  if (!first) {
    log_errors(diagnostics);
    log::error("{}: the configuration is not valid", invocation.config_path);
    return 1;
  }
  ServeOverrides overrides = verbosity;
  overrides.apply(first->site);
  const exporter::ServerOptions options = server_options(first->site, listen);
  const std::size_t count = first->site.checks.size();

  asio::io_context io;
  exporter::Snapshot snapshot;
  // The checks are declared before the server answers: /-/ready must not
  // say "every check has run" of a snapshot that lists none yet.
  Service service(io, snapshot);
  service.run(std::move(first));
  control::DaemonRuns runs(io, snapshot, [&service] { return service.place(); });
  // Before "listening on port": once that line is out, runs can be submitted.
  auto run_submissions = open_control_socket(io, service.site(), runs);
  std::unique_ptr<exporter::Server> server;
  try {
    server = std::make_unique<exporter::Server>(options, snapshot, GREENLIGHT_VERSION);
  } catch (const std::exception& error) {
    log::error("{}", error.what());
    return 1;
  }
  // Port 0 (any free port): the notifications' status URL names the port
  // the server took (this configuration's and the next ones').
  if (const auto colon = options.listen.rfind(':');
      colon != std::string::npos && options.listen.substr(colon + 1) == "0") {
    overrides.listen = fmt::format("{}:{}", options.listen.substr(0, colon), server->port());
    service.set_listen(overrides.listen);
  }
  log::info("greenlight {}: {} checks, listening on port {} ({}{})", GREENLIGHT_VERSION, count,
            server->port(), options.listen, options.tls_certificate.empty() ? "" : ", TLS");
  // After top1 booted: the runs it left unfinished are named, never resumed
  // by serve itself (a step may have to be checked first, docs/install.md).
  const UnfinishedRunsReport unfinished = unfinished_runs_report(service.site());
  for (const auto& line : unfinished.lines) log::warning("{}", line);
  notify_service_manager(fmt::format("READY=1\nSTATUS={} checks, listening on {} (port {}); {}",
                                     count, options.listen, server->port(), unfinished.status));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer last_words(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("signal {}, stopping", signal);
    notify_service_manager("STOPPING=1");
    runs.stop_all("greenlight serve is stopping");
    run_submissions.reset();
    service.stop();
    // Steps' and checks' local commands end with serve (resume asks about
    // an interrupted step).
    end_running_processes(std::chrono::seconds(2));
    // The clients' last lines ("stopped") go out before the loop ends.
    last_words.expires_after(std::chrono::milliseconds(200));
    last_words.async_wait([&io](const boost::system::error_code&) { io.stop(); });
  });
  asio::signal_set hangup(io, SIGHUP);
  on_hangup(hangup, service, *server, runs, invocation.config_path, overrides);
  for (;;) {
    try {
      io.run();
      break;
    } catch (const runbook::JournalError& error) {
      // Nothing is acted upon unjournaled: every run stops where its journal
      // says, to be resumed once the disk is writable again.
      log::error("{}: every run stops here", error.what());
      runs.stop_all(fmt::format("a journal could not be written ({})", error.what()));
      io.restart();
    }
  }
  server.reset();
  log::info("stopped");
  return 0;
}

int run_serve(const Invocation& invocation, const std::vector<std::string>& args) {
  // Each CivetWeb thread would otherwise grow its own malloc arena with the
  // /metrics bodies it sends (1.4 MiB at 20k series): two arenas keep the
  // resident size of a loaded server ~40% lower (bench/RESULTS.md).
  mallopt(M_ARENA_MAX, 2);
  std::string listen;
  ServeOverrides verbosity;
  auto cli = make_cli(
      "serve",
      "Runs the site's checks on their schedules, serves /metrics, /api/v1 and the status\n"
      "page, and executes the runbook runs submitted through its control socket.\n"
      "SIGHUP reloads the configuration; SIGINT or SIGTERM stops. Logs one line per\n"
      "event on stderr (docs/operator-guide.md#the-log-of-greenlight-serve).",
      "  greenlight serve\n"
      "  greenlight -c /etc/greenlight/greenlight.yaml serve --listen 127.0.0.1:9108\n"
      "  greenlight serve -v 2>&1 | grep -v 'still OK'\n");
  cli->add_option("--listen", listen, "ADDRESS:PORT to listen on (default: exporter: listen)");
  auto* verbose = cli->add_flag("-v,--verbose", verbosity.verbose,
                                "log debug lines too (every check result; default: log: level)");
  cli->add_flag("-q,--quiet", verbosity.quiet, "log warnings and errors only")->excludes(verbose);
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  verbosity.listen = listen;
  if (!listen.empty()) {
    if (const auto why = config::listen_address_error(listen)) {
      log::error("--listen {}", *why);
      return 2;
    }
  }
  try {
    return serve(invocation, listen, verbosity);
  } catch (const std::exception& error) {
    log::error("{}", error.what());
    return 1;
  }
}

const CommandRegistration kRegistration{
    {"serve",
     "serve [--listen ADDRESS:PORT] [-v|-q]   run the checks, serve /metrics, /api/v1 and the "
     "status page (SIGHUP reloads)",
     run_serve}};

}  // namespace
}  // namespace greenlight::app
