// greenlight serve: runs every check of the site on its schedule and serves
// /metrics, /api/v1/checks and health endpoints until SIGTERM or SIGINT.
#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include "command.h"
#include "greenlight/checks/check.h"
#include "greenlight/checks/scheduler.h"
#include "greenlight/core/config.h"
#include "greenlight/exporter/server.h"

namespace greenlight::app {
namespace {

int run_serve(const Invocation& invocation, const std::vector<std::string>& args) {
  std::string listen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--listen" && i + 1 < args.size()) {
      listen = args[++i];
    } else {
      std::cerr << "usage: greenlight [-c CONFIG] serve [--listen ADDRESS:PORT]\n";
      return 2;
    }
  }
  config::Diagnostics diagnostics;
  const config::Site site = config::load_site(invocation.config_path, diagnostics);
  auto groups = site.group_resolver();
  std::vector<std::unique_ptr<checks::Check>> built;
  if (diagnostics.ok()) {
    for (const auto& spec : site.checks)
      built.push_back(checks::make_check(spec, site, *groups, diagnostics));
  }
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format() << "greenlight serve: the configuration is not valid\n";
    return 1;
  }
  if (listen.empty()) listen = site.exporter.listen;

  asio::io_context io;
  LocalRunner local(io);
  RefusingRunner remote(
      io, "commands on other hosts need the SSH runner, which this greenlight does not have");
  exporter::Snapshot snapshot;
  checks::Scheduler scheduler(io, [&](const std::string& name, const checks::CheckResult& result) {
    snapshot.update(name, result);
  });
  const config::Host* self = site.self_host();
  for (std::size_t i = 0; i < built.size(); ++i) {
    const auto& spec = site.checks[i];
    const bool is_local = spec.host == "self" || (self != nullptr && spec.host == self->name);
    snapshot.declare(spec.name, spec.kind, is_local && self != nullptr ? self->name : spec.host);
    checks::Scheduler::Entry entry;
    entry.check = std::move(built[i]);
    entry.endpoint =
        Endpoint{is_local && self != nullptr ? self->name : spec.host, "", 22, "", is_local};
    entry.runner = is_local ? static_cast<CommandRunner*>(&local) : &remote;
    entry.interval = spec.interval;
    entry.timeout = spec.timeout;
    entry.jitter = spec.jitter;
    scheduler.add(std::move(entry));
  }
  std::unique_ptr<exporter::Server> server;
  try {
    server = std::make_unique<exporter::Server>(listen, snapshot, GREENLIGHT_VERSION);
  } catch (const std::exception& error) {
    std::cerr << "greenlight serve: " << error.what() << "\n";
    return 1;
  }
  std::cout << fmt::format("greenlight serve: {} checks, listening on port {} ({})",
                           site.checks.size(), server->port(), listen)
            << std::endl;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    std::cout << fmt::format("greenlight serve: signal {}, stopping", signal) << std::endl;
    scheduler.stop();
    io.stop();
  });
  scheduler.start();
  io.run();
  server.reset();
  return 0;
}

const CommandRegistration kRegistration{
    {"serve",
     "serve [--listen ADDRESS:PORT]           run the checks, serve /metrics and /api/v1/checks",
     run_serve}};

}  // namespace
}  // namespace greenlight::app
