// greenlight runbook resume RUN --adopt: the operator adopts the runbook as
// edited for a run that has not ended, after reading what maps to what
// (run_adoption.h); then the run resumes as any other.
#include <fmt/format.h>

#include <iostream>

#include "greenlight/runbook/run_adoption.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "runbook_commands.h"
#include "runbook_terminal.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {

std::optional<int> runbook_adopt(const config::Site& site,
                                 const std::vector<runbook::Runbook>& books,
                                 const RunbookArguments& arguments) {
  const std::string& run = arguments.words[0];
  const runbook::RunStore store(runbook::runs_directory(site, arguments.runs));
  if (!store.exists(run)) {
    std::cerr << "greenlight runbook: " << runbook::check_resume(store, books, run).refusal << "\n";
    return kRunFailed;
  }
  // Held while the journal is read and the adoption written: a process
  // executing the run (here or in serve) refuses it, naming itself.
  auto lock = runbook::RunLock::acquire(store.directory(run));
  const auto check = runbook::check_resume(store, books, run);
  using Verdict = runbook::ResumeCheck::Verdict;
  if (check.verdict == Verdict::kResumable) {
    std::cout << fmt::format("runbook {} is as run {} follows it: nothing to adopt\n",
                             check.book->name, run);
    return std::nullopt;
  }
  if (check.verdict != Verdict::kRunbookChanged) {
    std::cerr << "greenlight runbook: " << check.refusal << "\n";
    return check.verdict == Verdict::kFinished ? kRunFinished : kRunFailed;
  }
  const auto adoption = runbook::plan_adoption(check.outline, check.history, *check.edited);
  std::cout << fmt::format("Run {} follows runbook {} as it was; adopting it as it is now:\n", run,
                           check.edited->name);
  for (const auto& line : runbook::describe_adoption(adoption)) std::cout << line << "\n";
  if (!arguments.yes) {
    std::cout << fmt::format("Adopt runbook {} as it is now for run {}? [y/N] ", check.edited->name,
                             run)
              << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "yes")) {
      std::cout << fmt::format("\nnot adopted: run {} is unchanged\n", run);
      return kRunFailed;
    }
  }
  runbook::adopt(store, run, *check.edited, adoption, terminal_user());
  std::cout << fmt::format("run {} adopted runbook {} as it is now (journaled, by {})\n", run,
                           check.edited->name, terminal_user());
  return std::nullopt;
}

}  // namespace greenlight::app
