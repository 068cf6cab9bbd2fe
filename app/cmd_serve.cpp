// greenlight serve: runs every check of the site on its schedule and serves
// /metrics, the JSON API, the status page and health endpoints until SIGTERM
// or SIGINT. SIGHUP re-reads the configuration: a valid one replaces the
// checks, an invalid one is refused (its errors logged) and the running one
// stays. Runs submitted on the control socket (`greenlight runbook exec`)
// execute here, their gates fed by the same scheduler (control/serve_runs.h).
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
#include "greenlight/core/config.h"
#include "greenlight/core/error_text.h"
#include "greenlight/core/log.h"
#include "greenlight/core/process.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/exporter/server.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/site_wiring.h"
#include "greenlight/control/serve_generation.h"
#include "greenlight/control/serve_runs.h"
#include "greenlight/control/serve_service.h"

namespace greenlight::app {
namespace {

// The server's settings from the site's `exporter:` (its files resolved by
// the site's reader).
exporter::ServerOptions server_options(const config::Site& site, const std::string& listen) {
  const config::ExporterSettings& settings = site.exporter;
  return {listen.empty() ? settings.listen : listen, settings.tls_certificate, settings.tls_key,
          settings.basic_auth_file, settings.bearer_token_file};
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
void on_hangup(asio::signal_set& hangup, control::Service& service, exporter::Server& server,
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
    control::notify_service_manager("RELOADING=1");
    config::Diagnostics diagnostics;
    decltype(control::load_generation(path, diagnostics)) next;
    // What refused the reload, named in its last line.
    std::string refused = fmt::format("{} is not valid", path);
    try {
      next = control::load_generation(path, diagnostics);
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
      const auto before = runbook::runs_directory(service.site(), "");
      const auto after = runbook::runs_directory(next->site, "");
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
      control::log_errors(diagnostics);
      log::error("SIGHUP: {}, keeping the running configuration", refused);
    } else {
      verbosity.apply(next->site);
      if (next->site.exporter.listen != service.site().exporter.listen)
        log::warning("SIGHUP: the listen address changes on restart only");
      const std::size_t count = next->site.checks.size();
      service.run(std::move(next));
      log::info("SIGHUP: reloaded {}, {} checks", path, count);
    }
    control::notify_service_manager("READY=1");
    on_hangup(hangup, service, server, runs, path, verbosity);
  });
}

int serve(const Invocation& invocation, const std::string& listen,
          const ServeOverrides& verbosity) {
  config::Diagnostics diagnostics;
  auto first = control::load_generation(invocation.config_path, diagnostics);
  if (!first) {
    control::log_errors(diagnostics);
    log::error("{}: the configuration is not valid", invocation.config_path);
    return 1;
  }
  ServeOverrides overrides = verbosity;
  overrides.apply(first->site);
  const exporter::ServerOptions options = server_options(first->site, listen);
  const std::size_t count = first->site.checks.size();

  asio::io_context io;
  auto results = std::make_shared<checks::ResultStore>();
  exporter::Snapshot snapshot(*results);
  // The checks are declared before the server answers: /-/ready must not
  // say "every check has run" of a store that lists none yet.
  control::Service service(io, results);
  snapshot.collect_readiness(&service);
  service.run(std::move(first));
  control::DaemonRuns runs(io, [&service] { return service.place(); });
  // The exporter collects the runs at each request; the server goes before
  // `runs` does.
  snapshot.collect_runs(&runs);
  // Before "listening on port": once that line is out, runs can be submitted.
  auto run_submissions = control::open_control_socket(io, service.site(), runs);
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
  const control::UnfinishedRunsReport unfinished = control::unfinished_runs_report(service.site());
  for (const auto& line : unfinished.lines) log::warning("{}", line);
  control::notify_service_manager(
      fmt::format("READY=1\nSTATUS={} checks, listening on {} (port {}); {}", count, options.listen,
                  server->port(), unfinished.status));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer last_words(io);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("signal {}, stopping", signal);
    control::notify_service_manager("STOPPING=1");
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
