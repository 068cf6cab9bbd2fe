// greenlight check [NAME...] [-o text|json]: runs checks once, prints their
// verdicts, exits as a Nagios plugin (0 ok, 1 warning, 2 critical, 3 unknown).
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/core/process.h"
#include "greenlight/core/site_runner.h"
#include "output.h"

namespace greenlight::app {
namespace {

double seconds_between(const checks::CheckResult& r) {
  return milliseconds_in_seconds(
      std::chrono::duration_cast<std::chrono::milliseconds>(r.finished - r.started));
}

int run_check_command(const Invocation& invocation, const std::vector<std::string>& args) {
  std::vector<std::string> names;
  OutputFormat output = OutputFormat::kText;
  auto cli =
      make_cli("check",
               "Runs the site's checks once (all, or those named) and prints their verdicts.\n"
               "Exits as a Nagios plugin: 0 ok, 1 warning, 2 critical, 3 unknown or usage error.",
               "  greenlight check\n"
               "  greenlight check gluster-peers gluster-heal\n"
               "  greenlight -c /etc/greenlight/greenlight.yaml check -o json\n");
  cli->add_option("NAME", names, "checks to run (default: every check of the site)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  add_output_option(*cli, output);
  if (auto code = parse_cli(*cli, args, 3)) return *code;
  config::Diagnostics diagnostics;
  const config::Site site = checks::load_site(invocation.config_path, diagnostics);
  if (!diagnostics.ok()) {
    // Every error at once, as config check lists them: the checks' own
    // parameters too.
    const auto groups = site.group_resolver();
    for (const auto& spec : site.checks) checks::make_check(spec, site, *groups, diagnostics);
    std::cerr << diagnostics.format() << "greenlight check: the configuration is not valid\n";
    return 3;
  }
  std::vector<const config::CheckSpec*> selected;
  for (const auto& spec : site.checks) {
    if (names.empty() || std::find(names.begin(), names.end(), spec.name) != names.end())
      selected.push_back(&spec);
  }
  for (const auto& name : names) {
    if (std::none_of(site.checks.begin(), site.checks.end(),
                     [&](const auto& s) { return s.name == name; })) {
      std::cerr << fmt::format("greenlight check: no check named '{}' in {}\n", name,
                               invocation.config_path);
      return 3;
    }
  }
  auto groups = site.group_resolver();
  std::vector<std::unique_ptr<checks::Check>> built;
  for (const auto* spec : selected)
    built.push_back(checks::make_check(*spec, site, *groups, diagnostics));
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format();
    return 3;
  }
  asio::io_context io;
  SiteRunner runner(io, ssh_options(site.ssh));
  std::vector<checks::CheckResult> results(built.size());
  std::vector<bool> finished(built.size(), false);
  std::size_t done = 0;
  // The report of every selected check, in the site's order; exit code: the
  // worst status (Nagios).
  const auto report = [&] {
    checks::Status worst = checks::Status::ok;
    for (const auto& r : results) worst = checks::worst(worst, r.status);
    if (output == OutputFormat::kJson) {
      JsonDocument list = JsonDocument::array();
      for (std::size_t i = 0; i < results.size(); ++i) {
        list.push_back({{"check", selected[i]->name},
                        {"kind", selected[i]->kind},
                        {"host", selected[i]->host},
                        {"status", checks::to_string(results[i].status)},
                        {"message", results[i].message},
                        {"duration_seconds", seconds_between(results[i])}});
      }
      print_json_document("check", {{"status", checks::to_string(worst)}, {"checks", list}});
    } else {
      std::size_t width = 5;
      for (const auto* spec : selected) width = std::max(width, spec->name.size());
      std::cout << fmt::format("{:<{}}  {:<8}  {:>8}  {}\n", "CHECK", width, "STATUS", "DURATION",
                               "MESSAGE");
      for (std::size_t i = 0; i < results.size(); ++i) {
        std::cout << fmt::format("{:<{}}  {:<8}  {:>7.2f}s  {}\n", selected[i]->name, width,
                                 checks::to_string(results[i].status), seconds_between(results[i]),
                                 results[i].message);
      }
    }
    return worst;
  };
  // Ctrl-C, SIGTERM or SIGHUP (the terminal lost): the commands started end
  // with this process, at once; the checks that had finished are reported,
  // the others as unknown, not finished.
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) std::signal(SIGPIPE, SIG_IGN);
    const std::vector<bool> before = finished;
    // Local commands first, counted as they are ended; then SSH channels.
    const std::size_t ended = end_running_processes(std::chrono::milliseconds(500));
    runner.interrupt();
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (before[i]) continue;
      results[i] = checks::CheckResult{};
      results[i].status = checks::Status::unknown;
      results[i].message = fmt::format("not finished: stopped by signal {}", signal);
    }
    const checks::Status worst = report();
    std::cerr << fmt::format("greenlight check: signal {}: stopped ({} local command{} ended)\n",
                             signal, ended, ended == 1 ? "" : "s");
    // SSH threads may still be reading: exit without running destructors
    // under them (std::exit would), after what was printed is out.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    // The exit code is the report's status, as when every check finished:
    // unknown at least (a check did not finish), critical when one said so.
    std::_Exit(static_cast<int>(worst));
  });
  for (std::size_t i = 0; i < built.size(); ++i) {
    const auto& spec = *selected[i];
    checks::run_check(*built[i], runner, site_endpoint(&site, spec.host), spec.timeout,
                      [&results, &finished, &done, &signals, i,
                       n = built.size()](checks::CheckResult result) {
                        results[i] = std::move(result);
                        finished[i] = true;
                        if (++done == n) signals.cancel();
                      });
  }
  if (built.empty()) signals.cancel();
  io.run();
  const checks::Status worst = report();
  return static_cast<int>(worst);
}

const CommandRegistration kRegistration{
    {"check", "check [NAME...] [-o text|json]         run checks once; exit 0/1/2/3 as Nagios",
     run_check_command}};

}  // namespace
}  // namespace greenlight::app
