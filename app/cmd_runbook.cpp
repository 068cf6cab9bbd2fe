// greenlight runbook list | plan NAME | exec NAME | resume RUN | attach RUN
//                    | status [RUN] | log RUN | abort RUN
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "command.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/runbook.h"
#include "runbook_commands.h"

namespace greenlight::app {
namespace {

constexpr const char* kUsage =
    "usage: greenlight [-c CONFIG] runbook list\n"
    "       greenlight [-c CONFIG] runbook plan NAME\n"
    "       greenlight [-c CONFIG] runbook exec NAME [--yes] [--from PHASE] [--detach] [--dry-run] "
    "[--runs DIR]\n"
    "       greenlight [-c CONFIG] runbook resume RUN [--yes] [--detach] [--runs DIR]\n"
    "       greenlight [-c CONFIG] runbook attach RUN\n"
    "       greenlight [-c CONFIG] runbook status [RUN] [--runs DIR]\n"
    "       greenlight [-c CONFIG] runbook log RUN [--runs DIR]\n"
    "       greenlight [-c CONFIG] runbook abort RUN [--reason TEXT] [--runs DIR]\n"
    "exec, resume, attach and abort go to greenlight serve through its control socket\n"
    "(runbooks: {control: PATH}, default /run/greenlight/control.sock); with no daemon there,\n"
    "exec and resume run in this process (so do --dry-run and --runs DIR). Ctrl-C on a\n"
    "terminal following a run of greenlight serve detaches; the run goes on.\n"
    "Runs live in --runs DIR, else $GREENLIGHT_RUNS_DIR, else runbooks: {runs: DIR} of the site\n"
    "(default /var/lib/greenlight/runs).\n";

std::optional<RunbookArguments> parse(const std::vector<std::string>& args) {
  RunbookArguments out;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (arg == "--yes" || arg == "-y") {
      out.yes = true;
    } else if (arg == "--dry-run" || arg == "-n") {
      out.dry_run = true;
    } else if (arg == "--detach" || arg == "-d") {
      out.detach = true;
    } else if (arg == "--from") {
      if (!value(out.from)) return std::nullopt;
    } else if (arg == "--runs") {
      if (!value(out.runs)) return std::nullopt;
    } else if (arg == "--reason") {
      if (!value(out.reason)) return std::nullopt;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << fmt::format("greenlight runbook: unknown option '{}'\n", arg);
      return std::nullopt;
    } else {
      out.words.push_back(arg);
    }
  }
  return out;
}

int run_runbook(const Invocation& invocation, const std::vector<std::string>& args) {
  static const std::vector<std::string> kSubcommands = {"list",   "plan",   "exec", "resume",
                                                        "attach", "status", "log",  "abort"};
  if (args.empty() ||
      std::find(kSubcommands.begin(), kSubcommands.end(), args[0]) == kSubcommands.end()) {
    if (!args.empty())
      std::cerr << fmt::format("greenlight runbook: unknown subcommand '{}'\n", args[0]);
    std::cerr << kUsage;
    return 2;
  }
  const auto arguments = parse(args);
  if (!arguments) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& sub = args[0];
  if ((sub == "list" && !arguments->words.empty()) ||
      (sub == "plan" && arguments->words.size() != 1)) {
    std::cerr << kUsage;
    return 2;
  }
  config::Diagnostics diagnostics;
  const config::Site site = config::load_site(invocation.config_path, diagnostics);
  auto books = runbook::load_runbooks(site, diagnostics);
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format();
    std::cerr << fmt::format("{} error{} in the site's configuration or runbooks\n",
                             diagnostics.errors().size(),
                             diagnostics.errors().size() == 1 ? "" : "s");
    // Runs are read from their journals: an error in some runbook file
    // never hides them. Starting or resuming one needs a valid site.
    if (sub != "status" && sub != "log" && sub != "abort" && sub != "attach") return 1;
    std::cerr << "(the runs are read from their journals all the same)\n";
  }
  if (sub == "exec") return runbook_exec(site, books, *arguments);
  if (sub == "resume") return runbook_resume(site, books, *arguments);
  if (sub == "attach") return runbook_attach(site, *arguments);
  if (sub == "status") return runbook_status(site, books, *arguments);
  if (sub == "log") return runbook_log(site, *arguments);
  if (sub == "abort") return runbook_abort(site, *arguments);
  if (sub == "list") {
    for (const auto& book : books) {
      std::cout << fmt::format("{:<12} {:>2} phases  {}\n", book.name, book.phases.size(),
                               book.description);
    }
    return 0;
  }
  for (const auto& book : books) {
    if (book.name == arguments->words[0]) {
      std::cout << runbook::render_plan(book, site);
      return 0;
    }
  }
  std::cerr << fmt::format(
      "greenlight runbook: no runbook named '{}' (see greenlight runbook list)\n",
      arguments->words[0]);
  return 1;
}

const CommandRegistration kRegistration{
    {"runbook",
     "runbook list | plan NAME | exec NAME | resume RUN | attach RUN | status [RUN] | log RUN | "
     "abort RUN",
     run_runbook}};

}  // namespace
}  // namespace greenlight::app
