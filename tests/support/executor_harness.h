// One runbook, its site, fakes and a journal in a temporary directory; run()
// starts a new run or resumes the journal's, and returns how it ended.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <optional>

#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/journal.h"
#include "support/runbook_fakes.h"

namespace greenlight::testing {

struct ExecutorHarness {
  asio::io_context io;
  config::Diagnostics diagnostics;
  config::Site site;
  std::vector<runbook::Runbook> books;
  std::shared_ptr<GroupResolver> groups;
  ScriptedRunner runner{io};
  FakeResults results;
  ScriptedOperator person{io};
  TempDir dir;
  runbook::ExecutorOptions options;
  std::optional<runbook::RunSnapshot> last_snapshot;

  explicit ExecutorHarness(const std::string& book, const std::string& extra = "")
      : site(site_with(book, diagnostics, extra)) {
    books = runbook::load_runbooks(site, diagnostics);
    INFO(diagnostics.format());
    REQUIRE(diagnostics.ok());
    REQUIRE(books.size() == 1);
    for (auto& loaded : books) loaded.file.clear();  // read from a string: no file to copy
    groups = site.group_resolver();
    options.assume_yes = true;
    options.gate.pace = std::chrono::milliseconds(50);
  }

  std::filesystem::path journal_path() const { return dir.path / "journal"; }

  runbook::RunOutcome run(CommandRunner* other_runner = nullptr) {
    std::vector<runbook::JournalRecord> history;
    std::optional<runbook::Journal> journal;
    if (std::filesystem::exists(journal_path())) {
      history = runbook::read_journal(journal_path());
      journal.emplace(runbook::Journal::open(journal_path()));
    } else {
      journal.emplace(runbook::Journal::create(journal_path()));
    }
    runbook::Executor executor(
        runbook::Executor::Context{io, books[0], site, *groups,
                                   other_runner != nullptr ? *other_runner : runner,
                                   [](const std::string& node) {
                                     Endpoint e;
                                     e.node = node;
                                     return e;
                                   },
                                   results, person},
        "run-1", std::move(*journal), history, options);
    std::optional<runbook::RunOutcome> outcome;
    executor.start([&](runbook::RunOutcome o) {
      outcome = o;
      last_snapshot = executor.snapshot();
    });
    io.restart();
    io.run_for(std::chrono::seconds(30));
    REQUIRE(outcome.has_value());
    return *outcome;
  }

  /// Runs the io_context until `done()` or 5 s; returns done().
  template <typename Done>
  bool run_until(Done done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < end) {
      io.restart();
      io.run_one_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  std::vector<runbook::JournalRecord> records() const {
    return runbook::read_journal(journal_path());
  }
  std::size_t count(runbook::JournalEvent event) const {
    std::size_t n = 0;
    for (const auto& r : records()) n += r.event == event;
    return n;
  }
};

}  // namespace greenlight::testing
