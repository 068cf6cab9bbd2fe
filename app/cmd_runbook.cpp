// greenlight runbook list | plan NAME | exec NAME | resume RUN | attach RUN
//                    | status [RUN] | log RUN | abort RUN
#include <fmt/format.h>

#include <cstdlib>

#include <algorithm>
#include <iostream>
#include <optional>
#include <variant>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/core/error_text.h"
#include "greenlight/core/python_space.h"
#include "greenlight/runbook/plan.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/site_wiring.h"
#include "greenlight/runbook/runbook.h"
#include "runbook_commands.h"
#include "runbook_json.h"

namespace greenlight::app {
namespace {

struct RunbookWords {
  std::string sub;
  RunbookArguments arguments;
};

// Each subcommand with its words and options; exit code when the command
// stops here (--help, usage error).
std::variant<RunbookWords, int> parse(const std::vector<std::string>& args) {
  auto cli = make_cli(
      "runbook",
      "Runbooks: the restart procedure phase by phase, with gates.\n"
      "exec, resume, attach and abort go to greenlight serve through its control socket\n"
      "(runbooks: {control: PATH}, default /run/greenlight/control.sock); with no daemon there,\n"
      "exec and resume run in this process (so do --dry-run and --runs DIR). Ctrl-C on a\n"
      "terminal following a run of greenlight serve detaches; the run goes on.\n"
      "Runs live in --runs DIR, else $GREENLIGHT_RUNS_DIR, else runbooks: {runs: DIR} of the\n"
      "site (default /var/lib/greenlight/runs).",
      "  greenlight runbook list\n"
      "  greenlight runbook plan restart\n"
      "  greenlight runbook exec restart --from power-on-hypervisors\n"
      "  greenlight runbook status\n"
      "  greenlight runbook abort restart-20261130-190000 --reason 'BMC unreachable'\n");
  RunbookWords out;
  RunbookArguments& a = out.arguments;
  cli->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
    const char* word;  // positional, "" for none
    bool word_required;
    const char* example;
  };
  const std::vector<Sub> subs = {
      {"list", "Lists the site's runbooks.", "", false, "greenlight runbook list"},
      {"plan", "Prints what exec would run, phase by phase, gate by gate.", "NAME", true,
       "greenlight runbook plan restart\n"
       "  greenlight runbook plan restart -o dot | dot -Tsvg >restart.svg"},
      {"check", "Runs the checks behind every gate now, without any step, and says which\n"
                "gates would block (the day before a restart). Exit 0: none would.", "NAME", true,
       "greenlight runbook check restart"},
      {"exec", "Executes a runbook (in greenlight serve when it runs, else here).", "NAME", true,
       "greenlight runbook exec restart --yes --detach"},
      {"resume", "Resumes a run where its journal stopped.", "RUN", true,
       "greenlight runbook resume restart-20261130-190000 --yes\n"
       "  greenlight runbook resume restart-20261130-190000 --adopt"},
      {"attach",
       "Follows a run of greenlight serve on this terminal and answers its questions\n"
       "(--watch: read-only).",
       "RUN", true,
       "greenlight runbook attach restart-20261130-190000\n  greenlight runbook attach --watch "
       "restart-20261130-190000"},
      {"status", "Shows the runs, or one run phase by phase.", "RUN", false,
       "greenlight runbook status restart-20261130-190000"},
      {"log", "Prints a run's journal.", "RUN", true,
       "greenlight runbook log restart-20261130-190000"},
      {"abort", "Ends a run for good (executed by greenlight serve, interrupted, paused, never started or "
       "with a damaged journal), with a reason journaled.", "RUN", true,
       "greenlight runbook abort restart-20261130-190000 --reason 'wrong BMC password'"},
  };
  for (const auto& sub : subs) {
    auto* command = cli->add_subcommand(sub.name, sub.help);
    set_examples(*command, std::string("  ") + sub.example + "\n");
    const std::string name = sub.name;
    if (*sub.word != '\0') {
      const char* about =
          std::string_view(sub.word) == "RUN"
              ? (name == "status" ? "a run's name (runbook-YYYYMMDD-HHMMSS, see runbook status); "
                                    "without it, every run"
                                  : "a run's name (runbook-YYYYMMDD-HHMMSS, see runbook status)")
              : "a runbook's name (see runbook list)";
      auto* word = command->add_option(sub.word, a.words, about);
      word->expected(sub.word_required ? 1 : 0, 1);
      if (sub.word_required) word->required();
    }
    if (name == "exec" || name == "resume") {
      command->add_flag("-y,--yes", a.yes, "answer yes to the confirmation");
      command->add_flag("-d,--detach", a.detach, "return once greenlight serve took the run");
    }
    if (name == "exec" || name == "resume" || name == "plan")
      command
          ->add_option("-x,--exclude", a.exclude,
                       "NODES removed from every step and gate of the run (journaled)")
          // An empty value (an unset shell variable) would exclude nothing.
          ->check(
              [](const std::string& value) -> std::string {
                return python_strip(value).empty()
                           ? "an empty node set excludes no node; name the nodes, or leave "
                             "--exclude out"
                           : std::string();
              },
              "NODES");
    if (name == "exec" || name == "plan")
      command->add_option("--from-run", a.from_run,
                          "RUN whose saved groups (@run:NAME) this run starts with");
    if (name == "resume") {
      command->add_flag("--adopt", a.adopt,
                        "adopt the runbook as edited since the run started: shows which steps "
                        "map to which, asks (or --yes), journals it");
    }
    if (name == "exec") {
      command->add_option("--from", a.from, "PHASE to start from");
      command->add_flag("-n,--dry-run", a.dry_run, "walk the plan without acting");
    }
    if (name == "abort") command->add_option("--reason", a.reason, "TEXT journaled with the abort");
    if (name == "attach")
      command->add_flag("-w,--watch", a.watch, "follow read-only: show questions, never answer");
    if (name != "list" && name != "attach" && name != "check")
      command->add_option("--runs", a.runs, "DIR of the runs");
    if (name == "list" || name == "plan" || name == "check" || name == "status" ||
        name == "log")
      add_output_option(*command, a.output, name == "plan");
  }
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  out.sub = cli->get_subcommands().front()->get_name();
  return out;
}

}  // namespace

int runbook_plan(const config::Site& site, const runbook::Runbook& book,
                 const RunbookArguments& arguments) {
  runbook::PlanOptions options;
  options.exclude = arguments.exclude;
  std::shared_ptr<GroupResolver> live;
  try {
    if (!arguments.exclude.empty()) {
      // As exec reads --exclude when the run starts: dynamic groups now.
      live = runbook::runbook_groups(site, nullptr);
      options.exclusion_groups = live.get();
    }
    if (!arguments.from_run.empty()) {
      const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
      options.run_groups = runbook::saved_groups_of(store, arguments.from_run);
      options.from_run = arguments.from_run;
    }
    const runbook::Plan plan = runbook::plan_runbook(book, site, options);
    if (arguments.output == OutputFormat::kJson) {
      print_json_document("runbook-plan", plan_json(plan));
    } else if (arguments.output == OutputFormat::kDot) {
      std::cout << runbook::render_plan_dot(plan);
    } else {
      std::cout << runbook::render_plan(plan);
    }
  } catch (const std::exception& error) {
    std::cerr << "greenlight runbook: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

namespace {

int run_runbook(const Invocation& invocation, const std::vector<std::string>& args) {
  auto parsed = parse(args);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  const std::string sub = std::get<RunbookWords>(parsed).sub;
  const RunbookArguments* arguments = &std::get<RunbookWords>(parsed).arguments;
  config::Diagnostics diagnostics;
  const config::Site site = checks::load_site(invocation.config_path, diagnostics);
  auto books = runbook::load_runbooks(site, diagnostics);
  if (!diagnostics.ok() && sub == "resume" && arguments->words.size() == 1 &&
      runbook::errors_concerning_run(site, books, diagnostics,
                                     runbook::RunStore(runbook::runs_directory(site, arguments->runs)),
                                     arguments->words[0])
          .empty()) {
    // Only other runbooks' files are broken: the run resumes with its own.
    std::cerr << diagnostics.format();
    std::cerr << fmt::format("{} error{} in other runbooks' files, none in the site file or in "
                             "the files of run {}'s runbook: resuming it\n",
                             diagnostics.errors().size(),
                             diagnostics.errors().size() == 1 ? "" : "s", arguments->words[0]);
    return runbook_resume(site, books, *arguments);
  }
  if (!diagnostics.ok()) {
    std::cerr << diagnostics.format();
    std::cerr << fmt::format("{} error{} in the site's configuration or runbooks\n",
                             diagnostics.errors().size(),
                             diagnostics.errors().size() == 1 ? "" : "s");
    // Runs are read from their journals: an error in some runbook file
    // never hides them. Starting or resuming one needs a valid site.
    if (sub != "status" && sub != "log" && sub != "abort" && sub != "attach") return 1;
    const char* env_runs = std::getenv("GREENLIGHT_RUNS_DIR");
    if (site.unread && sub != "attach" && arguments->runs.empty() &&
        (env_runs == nullptr || *env_runs == '\0')) {
      // Its runs: key unread, the default directory would be a guess.
      std::cerr << fmt::format(
          "greenlight runbook: cannot tell where the runs are: {} could not be read; fix it, or "
          "name the runs directory with --runs DIR (its runbooks: runs:) or GREENLIGHT_RUNS_DIR\n",
          site.file.string());
      return 1;
    }
    std::cerr << "(the runs are read from their journals all the same)\n";
  }
  // The words were read above: what fails from here on is a refusal or an
  // error (exit 1), never a usage error (2), as docs/runbooks.md says.
  try {
    if (sub == "exec") return runbook_exec(site, books, *arguments);
    if (sub == "resume") return runbook_resume(site, books, *arguments);
    if (sub == "attach") return runbook_attach(site, *arguments);
    if (sub == "status") return runbook_status(site, books, *arguments);
    if (sub == "log") return runbook_log(site, *arguments);
    if (sub == "abort") return runbook_abort(site, *arguments);
  } catch (const std::exception& error) {
    std::cerr << "greenlight runbook " << sub << ": " << error_text(error) << "\n";
    return kRunFailed;
  }
  if (sub == "list" && arguments->output == OutputFormat::kJson) {
    print_json_document("runbook-list", list_json(books));
    return 0;
  }
  if (sub == "list") {
    for (const auto& book : books) {
      std::cout << fmt::format("{:<12} {:>2} phase{}  {}\n", book.name, book.phases.size(),
                               book.phases.size() == 1 ? " " : "s",
                               book.description);
    }
    return 0;
  }
  for (const auto& book : books) {
    if (book.name != arguments->words[0]) continue;
    if (sub == "check") return runbook_check(site, book, *arguments);
    return runbook_plan(site, book, *arguments);
  }
  std::cerr << fmt::format(
      "greenlight runbook: no runbook named '{}' (see greenlight runbook list)\n",
      arguments->words[0]);
  return 1;
}

const CommandRegistration kRegistration{
    {"runbook",
     "runbook list | plan NAME | check NAME | exec NAME | resume RUN | attach RUN | status [RUN] | log RUN | "
     "abort RUN",
     run_runbook}};

}  // namespace
}  // namespace greenlight::app
