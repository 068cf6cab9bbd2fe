#include "greenlight/runbook/run_checks.h"

#include <fmt/format.h>

#include <algorithm>

namespace greenlight::runbook {

const Runbook* find_runbook(const std::vector<Runbook>& books, const std::string& name) {
  const auto it = std::find_if(books.begin(), books.end(),
                               [&name](const Runbook& book) { return book.name == name; });
  return it == books.end() ? nullptr : &*it;
}

ExecCheck check_exec(const std::vector<Runbook>& books, const std::string& name,
                     const std::string& from) {
  ExecCheck check;
  const Runbook* book = find_runbook(books, name);
  if (book == nullptr) {
    check.refusal = fmt::format("no runbook named '{}' (see greenlight runbook list)", name);
    return check;
  }
  if (!from.empty() && std::none_of(book->phases.begin(), book->phases.end(),
                                    [&from](const Phase& phase) { return phase.name == from; })) {
    check.refusal = fmt::format("runbook {} has no phase '{}'", book->name, from);
    check.usage = true;
    return check;
  }
  check.book = book;
  return check;
}

ResumeCheck check_resume(const RunStore& store, const std::vector<Runbook>& books,
                         const std::string& run) {
  using Verdict = ResumeCheck::Verdict;
  ResumeCheck check;
  if (!store.exists(run)) {
    check.verdict = Verdict::kNoSuchRun;
    check.refusal = fmt::format("no run '{}' in {} (see greenlight runbook status)", run,
                                store.root().string());
    return check;
  }
  check.history = read_journal(store.journal(run));
  const RunState state = replay(check.history);
  if (state.finished || state.aborted) {
    check.verdict = state.finished ? Verdict::kFinished : Verdict::kAborted;
    check.refusal = fmt::format("run {} is {}: nothing to resume", run,
                                state.finished ? "finished" : "aborted");
    return check;
  }
  check.book = find_runbook(books, state.runbook);
  if (check.book == nullptr) {
    check.verdict = Verdict::kRunbookGone;
    check.refusal =
        fmt::format("run {} is of runbook '{}', which the site no longer has", run, state.runbook);
  }
  return check;
}

}  // namespace greenlight::runbook
