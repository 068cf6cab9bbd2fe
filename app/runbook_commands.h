// The subcommands of `greenlight runbook` that act on runs: exec, resume,
// attach, status, log and abort (list and plan live in cmd_runbook.cpp).
// exec, resume, attach and abort go to greenlight serve through its control
// socket when it answers; exec and resume run in this process otherwise.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"
#include "output.h"

namespace greenlight::app {

struct RunbookArguments {
  std::vector<std::string> words;  ///< positional words after the subcommand
  bool yes = false;
  bool dry_run = false;
  bool detach = false;  ///< exec, resume: return once greenlight serve took the run
  bool watch = false;   ///< attach --watch: follow read-only, never answer
  bool adopt = false;   ///< resume --adopt: adopt the runbook as edited (asks, unless --yes)
  std::string from;
  std::string exclude;   ///< exec, resume, plan: --exclude NODES
  std::string from_run;  ///< exec, plan: --from-run RUN
  std::string runs;    ///< --runs DIR
  std::string reason;  ///< abort --reason TEXT
  OutputFormat output = OutputFormat::kText;  ///< list, plan, status, log, check: -o FORMAT
};

/// Exit codes of exec and resume.
enum RunExit {
  kRunFinished = 0,
  kRunFailed = 1,
  kRunUsage = 2,
  kRunPaused = 3,
  kRunPoweredOff = 4,
  kRunDetached = 5,  ///< Ctrl-C on a terminal following a run of greenlight serve: it goes on
};

/// `plan NAME [--exclude NODES] [--from-run RUN]`.
int runbook_plan(const config::Site& site, const runbook::Runbook& book,
                 const RunbookArguments& arguments);
/// `check NAME`: the gates that would block if the runbook started now
/// (runbook/readiness.h); 0 when none would, 1 otherwise.
int runbook_check(const config::Site& site, const runbook::Runbook& book,
                  const RunbookArguments& arguments);
int runbook_exec(const config::Site& site, const std::vector<runbook::Runbook>& books,
                 const RunbookArguments& arguments);
int runbook_resume(const config::Site& site, const std::vector<runbook::Runbook>& books,
                   const RunbookArguments& arguments);
/// resume --adopt, before the run resumes: shows what the edited runbook
/// maps to and journals its adoption once confirmed (or --yes). Nothing: go
/// on resuming; an exit code: stop there.
std::optional<int> runbook_adopt(const config::Site& site,
                                 const std::vector<runbook::Runbook>& books,
                                 const RunbookArguments& arguments);
int runbook_attach(const config::Site& site, const RunbookArguments& arguments);
int runbook_status(const config::Site& site, const std::vector<runbook::Runbook>& books,
                   const RunbookArguments& arguments);
int runbook_log(const config::Site& site, const RunbookArguments& arguments);
int runbook_abort(const config::Site& site, const RunbookArguments& arguments);

}  // namespace greenlight::app
