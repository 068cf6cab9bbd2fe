// greenlight config check [CONFIG] [-o text|json]: every error of the site
// configuration at once, gcc style (or as one JSON document); exit 0 valid,
// 1 invalid, 2 usage.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <tuple>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/exporter/access.h"
#include "greenlight/runbook/runbook.h"
#include "output.h"

namespace greenlight::app {
namespace {

// greenlight/config-check/v1 (docs/json.md): the errors in the order the
// text prints them (file, line, column); the site's summary when valid.
JsonDocument config_check_json(const std::string& path, const config::Diagnostics& diagnostics,
                               const config::Site& site,
                               const std::vector<runbook::Runbook>& runbooks) {
  auto sorted = diagnostics.errors();
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const config::Diagnostic& a, const config::Diagnostic& b) {
                     return std::tie(a.mark.file, a.mark.line, a.mark.column) <
                            std::tie(b.mark.file, b.mark.line, b.mark.column);
                   });
  JsonDocument errors = JsonDocument::array();
  for (const auto& error : sorted) {
    // A file that cannot be read has no line: its place is the file alone.
    const bool placed = error.mark.line > 0;
    errors.push_back({{"file", error.mark.file},
                      {"line", placed ? JsonDocument(error.mark.line) : JsonDocument()},
                      {"column", placed ? JsonDocument(error.mark.column) : JsonDocument()},
                      {"message", error.message},
                      {"hint", error.hint.empty() ? JsonDocument() : JsonDocument(error.hint)}});
  }
  JsonDocument summary;
  if (diagnostics.ok()) {
    const auto* self = site.self_host();
    JsonDocument names = JsonDocument::array();
    for (const auto& book : runbooks) names.push_back(book.name);
    summary = {{"name", site.name.empty() ? JsonDocument() : JsonDocument(site.name)},
               {"host_count", site.hosts.size()},
               {"self", self != nullptr ? JsonDocument(self->name) : JsonDocument()},
               {"group_count", site.groups.size()},
               {"check_count", site.checks.size()},
               {"runbooks", names}};
  }
  return {{"path", path}, {"valid", diagnostics.ok()}, {"errors", errors}, {"site", summary}};
}

int run_config(const Invocation& invocation, const std::vector<std::string>& args) {
  auto cli = make_cli("config", "The site configuration.",
                      "  greenlight config check\n"
                      "  greenlight config check /etc/greenlight/greenlight.yaml\n"
                      "  greenlight -c site.yaml config check\n");
  std::string path = invocation.config_path;
  OutputFormat output = OutputFormat::kText;
  auto* check = cli->add_subcommand(
      "check",
      "Validates a site configuration: every error at once, gcc style (FILE:LINE:COL).\n"
      "With -o json, one document on stdout holds the errors or the site's summary.\n"
      "Exit 0 valid, 1 invalid, 2 usage error.");
  check->add_option("CONFIG", path, "the file (default: -c CONFIG, $GREENLIGHT_CONFIG, then "
                                    "/etc/greenlight/greenlight.yaml)");
  add_output_option(*check, output);
  set_examples(*check,
               "  greenlight config check\n  greenlight config check site.yaml\n"
               "  greenlight config check site.yaml -o json\n");
  cli->require_subcommand(1);
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  config::Diagnostics diagnostics;
  const config::Site site = checks::load_site(path, diagnostics);
  const auto runbooks = runbook::load_runbooks(site, diagnostics);
  // The kinds' own parameters (targets, peers, vms, ...) of every check that
  // loaded, beside the other errors: make_check never throws, and an error
  // found twice (the check's and a gate's built on it) is listed once.
  const auto groups = site.group_resolver();
  for (const auto& spec : site.checks) checks::make_check(spec, site, *groups, diagnostics);
  // The access files as serve reads them at start: a line serve refuses
  // (a password in clear, no colon) is an error now, not when serve starts.
  // (An unreadable one was said above.)
  const auto readable = [](const std::string& file) {
    return file.empty() || ::access(file.c_str(), R_OK) == 0;
  };
  if (readable(site.exporter.basic_auth_file) && readable(site.exporter.bearer_token_file)) {
    try {
      (void)exporter::Access(site.exporter.basic_auth_file, site.exporter.bearer_token_file);
    } catch (const std::exception& error) {
      diagnostics.error(site.exporter.mark, fmt::format("exporter: {}", error.what()));
    }
  }
  if (output == OutputFormat::kJson) {
    // The errors are the command's results: in the document, not on stderr.
    print_json_document("config-check", config_check_json(path, diagnostics, site, runbooks));
    return diagnostics.ok() ? 0 : 1;
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
      "{}: valid. site {}: {} host{} ({} runs greenlight), {} group{}, {} check{}, {} "
      "runbook{}{}\n",
      path, site.name.empty() ? "(unnamed)" : site.name, site.hosts.size(),
      site.hosts.size() == 1 ? "" : "s", self != nullptr ? self->name : "no host",
      site.groups.size(), site.groups.size() == 1 ? "" : "s", site.checks.size(),
      site.checks.size() == 1 ? "" : "s", runbooks.size(), runbooks.size() == 1 ? "" : "s",
      names.empty() ? "" : " (" + names + ")");
  return 0;
}

const CommandRegistration kRegistration{
    {"config",
     "config check [CONFIG] [-o text|json]   validate a site configuration, every error at once",
     run_config}};

}  // namespace
}  // namespace greenlight::app
