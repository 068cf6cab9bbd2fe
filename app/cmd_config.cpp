// greenlight config check [CONFIG]: every error of the site configuration at
// once, gcc style; exit 0 valid, 1 invalid, 2 usage.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/check.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::app {
namespace {

int run_config(const Invocation& invocation, const std::vector<std::string>& args) {
  auto cli = make_cli("config", "The site configuration.",
                      "  greenlight config check\n"
                      "  greenlight config check /etc/greenlight/greenlight.yaml\n"
                      "  greenlight -c site.yaml config check\n");
  std::string path = invocation.config_path;
  auto* check = cli->add_subcommand(
      "check",
      "Validates a site configuration: every error at once, gcc style (FILE:LINE:COL).\n"
      "Exit 0 valid, 1 invalid, 2 usage error.");
  check->add_option("CONFIG", path, "the file (default: -c CONFIG, $GREENLIGHT_CONFIG, then "
                                    "/etc/greenlight/greenlight.yaml)");
  set_examples(*check, "  greenlight config check\n  greenlight config check site.yaml\n");
  cli->require_subcommand(1);
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  config::Diagnostics diagnostics;
  const config::Site site = config::load_site(path, diagnostics);
  const auto runbooks = runbook::load_runbooks(site, diagnostics);
  if (diagnostics.ok()) {
    // The kinds' own parameters (targets, peers, vms, ...).
    auto groups = site.group_resolver();
    for (const auto& spec : site.checks) checks::make_check(spec, site, *groups, diagnostics);
  }
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format();
    const auto count = diagnostics.errors().size();
    std::cerr << fmt::format("{}: {} error{}\n", path, count, count == 1 ? "" : "s");
    return 1;
  }
  const auto* self = site.self_host();
  std::string names;
  for (const auto& book : runbooks) names += (names.empty() ? "" : ", ") + book.name;
  std::cout << fmt::format(
      "{}: valid. site {}: {} hosts ({} runs greenlight), {} groups, {} checks, {} runbook{}{}\n",
      path, site.name.empty() ? "(unnamed)" : site.name, site.hosts.size(),
      self != nullptr ? self->name : "no host", site.groups.size(), site.checks.size(),
      runbooks.size(), runbooks.size() == 1 ? "" : "s", names.empty() ? "" : " (" + names + ")");
  return 0;
}

const CommandRegistration kRegistration{
    {"config",
     "config check [CONFIG]                  validate a site configuration, every error at once",
     run_config}};

}  // namespace
}  // namespace greenlight::app
