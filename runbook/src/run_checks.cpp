#include "greenlight/runbook/run_checks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "greenlight/core/node_name.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/percent_format.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/lock_holder.h"
#include "greenlight/runbook/run_outline.h"

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

namespace {

// Holds an exclusive flock on the state directory's lock file.
class StoreLock {
 public:
  explicit StoreLock(const std::filesystem::path& root) {
    std::filesystem::create_directories(root);
    const auto path = root / ".create.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      const int error = errno;
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error(
          fmt::format("cannot lock {}: {}", path.string(), std::strerror(error)));
    }
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

// In a run's directory: the run is of a `concurrent_runs` runbook.
constexpr const char* kConcurrentMark = "concurrent";
constexpr const char* kDryRunMark = "dry-run";

// An outline line of the site's parts (site_outline.h), not the runbook's.
bool is_site_line(std::string_view line) { return line.rfind("site ", 0) == 0; }

}  // namespace

std::vector<UnfinishedRun> unfinished_runs(const RunStore& store, const std::string& name) {
  std::vector<UnfinishedRun> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(store.root(), ec)) {
    if (!entry.is_directory()) continue;
    const std::string run = entry.path().filename().string();
    const int holder = RunLock::holder(entry.path());
    UnfinishedRun unfinished{run, {}, {}, std::filesystem::exists(entry.path() / kConcurrentMark)};
    try {
      std::error_code missing;
      const auto records = std::filesystem::exists(store.journal(run), missing)
                               ? read_journal(store.journal(run))
                               : std::vector<JournalRecord>{};
      const RunState state = replay(records);
      // Created, its executor not started yet (or never): named after its runbook.
      const std::string of = records.empty() ? RunStore::runbook_of(run) : state.runbook;
      if ((records.empty() && of.empty()) || (!name.empty() && of != name) || state.finished ||
          state.aborted)
        continue;
      unfinished.standing = standing_of(records, state, holder);
    } catch (const std::exception& error) {
      if (!name.empty() && run.rfind(name + "-", 0) != 0) continue;
      unfinished.standing = holder != 0 ? RunStanding{RunCondition::kExecuting, holder, {}}
                                        : RunStanding{RunCondition::kDamaged, 0, error.what()};
    }
    if (holder != 0) {
      unfinished.holder = lock_holder(holder);
      if (holder < 0) unfinished.holder.user = "?";
    }
    out.push_back(std::move(unfinished));
  }
  std::sort(out.begin(), out.end(),
            [](const UnfinishedRun& a, const UnfinishedRun& b) { return a.run < b.run; });
  return out;
}

NewRun create_run(const RunStore& store, const Runbook& book) {
  NewRun created;
  const StoreLock lock(store.root());
  // A run not ended holds the site, whatever its runbook: two runs that act
  // on the cluster at once (a restart beside a shutdown) would each break
  // the order the other relies on. Runs of `concurrent_runs` runbooks hold
  // only the runbooks that run alone; those run beside any other.
  auto others = unfinished_runs(store, "");
  if (book.concurrent_runs) {
    std::erase_if(others, [](const UnfinishedRun& other) { return other.concurrent; });
  }
  if (!others.empty()) {
    std::string names;
    std::string advice;
    for (const auto& other : others) {
      names += fmt::format("\n  {}: {}", other.run,
                           other.holder.pid != 0
                               ? fmt::format("executing (process {}, user {})", other.holder.pid,
                                             other.holder.user)
                               : name_of(other.standing));
      // What to do depends on who holds it: serve is followed with attach;
      // a process of its own only from its terminal (attach, resume and
      // abort refuse it); a run nobody executes is resumed or aborted.
      // A damaged journal cannot be resumed: only its abort ends it.
      advice += other.holder.pid != 0
                    ? fmt::format("\n{}.", holder_advice(other.run, other.holder))
                : other.standing.condition == RunCondition::kDamaged
                    ? fmt::format("\nRun {}: its journal cannot be read, so it cannot be "
                                  "resumed; end it (greenlight runbook abort {}) first.",
                                  other.run, other.run)
                    : fmt::format("\nRun {}: resume it (greenlight runbook resume {}) or end it "
                                  "(greenlight runbook abort {}) first.",
                                  other.run, other.run, other.run);
    }
    created.refusal = fmt::format(
        "{} a run has not ended:{}{}",
        book.concurrent_runs
            ? fmt::format("runbook {} runs beside others, but not beside a run of a runbook "
                          "that runs alone, and such",
                          book.name)
            : fmt::format("runbook {} runs alone, and", book.name),
        names, advice);
    return created;
  }
  created.id = store.create(book.name);
  if (book.concurrent_runs) std::ofstream(store.directory(created.id) / kConcurrentMark);
  write_outline(store.directory(created.id), book);
  write_runbook_copy(store.directory(created.id), book);
  return created;
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
  if (std::filesystem::exists(store.directory(run) / kDryRunMark)) {
    check.verdict = Verdict::kDryRun;
    check.refusal = fmt::format(
        "run {} is a dry run: nothing of it was done, and its journal says \"would run\" where "
        "a real run acts; it is never resumed (greenlight runbook exec {} starts a real run)",
        run, RunStore::runbook_of(run));
    return check;
  }
  check.history = store.records(run);
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
    return check;
  }
  const std::string outline = state.adopted_outline.empty() ? "outline" : state.adopted_outline;
  if (const auto journaled = state.outline_fingerprints.find(outline);
      journaled != state.outline_fingerprints.end()) {
    const auto now = outline_fingerprint(store.directory(run), outline);
    if (now != journaled->second) {
      check.verdict = Verdict::kOutlineAltered;
      check.refusal = fmt::format(
          "the outline of run {} ({}) is not the one journaled when it was written ({}, now "
          "{}): it was edited or damaged, and what the run follows cannot be known. Restore "
          "it from a backup to resume, or abort the run (greenlight runbook abort {}) and "
          "start a new one.",
          run, (store.directory(run) / outline).string(), journaled->second,
          now.value_or("unreadable"), run);
      check.book = nullptr;
      return check;
    }
  }
  if (const auto then = read_outline(store.directory(run), outline)) {
    check.outline = *then;
    auto now = outline_of(*check.book);
    // A run started before the site's parts were part of outlines is
    // compared on its runbook alone.
    if (std::none_of(then->begin(), then->end(), is_site_line)) std::erase_if(now, is_site_line);
    const auto changes = outline_diff(*then, now);
    if (!changes.empty()) {
      std::string lines;
      bool site_changed = false, book_changed = false;
      for (const auto& line : changes) {
        lines += "\n  " + line;
        // "- site ..." or "+ site ...".
        (is_site_line(std::string_view(line).substr(2)) ? site_changed : book_changed) = true;
      }
      // "site ..." lines: the checks, groups, hosts and settings of the
      // site file that the runbook uses (site_outline.h).
      const std::string what =
          !site_changed ? fmt::format("runbook {}", check.book->name)
          : book_changed
              ? fmt::format("runbook {} and the parts of the site file it uses",
                            check.book->name)
              : fmt::format("the parts of the site file that runbook {} uses",
                            check.book->name);
      check.verdict = Verdict::kRunbookChanged;
      check.refusal = fmt::format(
          "{} changed since run {} started ({}): greenlight resumes a run only with the "
          "runbook and site it started with: an edited one may run a step twice or take a new "
          "one for done, or act on other nodes, unless the operator maps the done steps to the "
          "new ones. What changed (- as the run started, + now):{}\nRestore {} as it was to "
          "resume; or adopt it as it is now (greenlight runbook resume {} --adopt shows which "
          "done steps map to which new ones, and asks); or abort the run (greenlight runbook "
          "abort {}) and start a new one.",
          what, run, (store.directory(run) / outline).string(), lines,
          site_changed && !book_changed ? "the site file" : "the runbook", run, run);
      check.edited = check.book;
      check.book = nullptr;
    }
  }
  return check;
}

std::map<std::string, std::string> saved_groups_of(const RunStore& store, const std::string& run) {
  if (!store.exists(run)) {
    throw std::runtime_error(fmt::format("--from-run: no run '{}' in {} (see greenlight runbook status)",
                                         run, store.root().string()));
  }
  std::map<std::string, std::string> groups;
  std::vector<JournalRecord> records;
  try {
    records = read_journal(store.journal(run));
  } catch (const std::exception& error) {
    throw std::runtime_error(fmt::format("--from-run {}: {}", run, error.what()));
  }
  for (const auto& [name, nodes] : replay(records).imported_groups) groups[name] = nodes;
  for (const auto& record : records) {
    // "@run:NAME=NODES[ (note)]", as a save_group step journals it.
    if (record.event != JournalEvent::kStepFinished || record.detail.rfind("@run:", 0) != 0)
      continue;
    const auto eq = record.detail.find('=');
    if (eq == std::string::npos) continue;
    const auto end = record.detail.find(' ', eq);
    groups[record.detail.substr(5, eq - 5)] =
        record.detail.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
  }
  if (groups.empty()) {
    throw std::runtime_error(fmt::format(
        "--from-run {}: that run saved no group (no save_group step finished in it)", run));
  }
  return groups;
}

NodeSet check_exclusion(const config::Site& site, const GroupResolver& groups,
                        const std::string& nodes, std::span<const Runbook> books) {
  if (nodes.empty()) return {};
  std::vector<std::string> names;
  NodeSet excluded;
  try {
    excluded = NodeSet::parse(site.with_self_named(nodes), &groups);
    if (excluded.empty()) throw std::runtime_error("it names no node");
    names = excluded.expand();
  } catch (const std::exception& error) {
    throw std::runtime_error(fmt::format("--exclude {}: {}", python_repr(nodes), error.what()));
  }
  std::vector<std::string> known;
  for (const auto& host : site.hosts) known.push_back(host.name);
  NodeSet site_nodes = NodeSet::from_names(known);
  std::vector<std::string> sets;
  for (const auto& [group, set] : site.groups) sets.push_back(set);
  for (const auto& check : site.checks) {
    for (const auto& [key, set] : check_node_set_parameters(check)) sets.push_back(set);
  }
  const auto add_steps = [&sets](const std::vector<Step>& steps) {
    for (const auto& step : steps) {
      sets.push_back(step.nodes);
      sets.push_back(step.exclude);
      sets.push_back(step.fallback);
    }
  };
  for (const auto& book : books) {
    for (const auto& phase : book.phases) add_steps(phase.steps);
    for (const auto& gate : book.gates) {
      if (gate.remedy) add_steps(gate.remedy->steps);
      for (const auto& check : gate.checks) {
        config::CheckSpec overrides;
        overrides.parameters = check.overrides;
        for (const auto& [key, set] : check_node_set_parameters(overrides)) sets.push_back(set);
      }
    }
  }
  for (const auto& set : sets) {
    try {
      site_nodes.update(NodeSet::parse(site.with_self_named(set), &groups));
    } catch (const std::exception&) {
      // one that reads a dynamic source, known only while checks run
    }
  }
  std::vector<std::string> unknown;
  for (const auto& name : names) {
    if (!is_plain_name(name)) {
      throw std::runtime_error(fmt::format("--exclude {}: no host can have the node name {}: {}",
                                           python_repr(nodes), python_repr(name),
                                           why_not_plain(name)));
    }
    if (!site_nodes.contains(name)) unknown.push_back(name);
  }
  if (!unknown.empty()) {
    throw std::runtime_error(fmt::format(
        "--exclude {}: {} {} not a node of the site ({}: none of its hosts, groups or checks) "
        "nor of the runbook; nothing would be left out",
        python_repr(nodes), NodeSet::from_names(unknown).fold(), unknown.size() == 1 ? "is" : "are",
        site.file.string()));
  }
  return excluded;
}

std::set<std::string> runbook_files(const Runbook& book) {
  std::set<std::string> files{book.file.string()};
  for (const auto& gate : book.gates) files.insert(gate.mark.file);
  for (const auto& phase : book.phases) {
    files.insert(phase.mark.file);
    for (const auto& step : phase.steps) files.insert(step.mark.file);
  }
  files.erase("");
  return files;
}

std::string errors_concerning_run(const config::Site& site, const std::vector<Runbook>& books,
                                  const config::Diagnostics& diagnostics, const RunStore& store,
                                  const std::string& run) {
  std::set<std::string> concerned{site.file.string()};
  const Runbook* book = nullptr;
  try {
    if (store.exists(run)) book = find_runbook(books, replay(read_journal(store.journal(run))).runbook);
  } catch (const std::exception&) {
    book = nullptr;  // a journal that cannot be read: every error counts
  }
  if (book != nullptr) concerned.merge(runbook_files(*book));
  config::Diagnostics kept;
  for (const auto& error : diagnostics.errors()) {
    if (book == nullptr || error.mark.file.empty() || concerned.count(error.mark.file) != 0)
      kept.error(error.mark, error.message, error.hint);
  }
  return kept.ok() ? std::string() : kept.format();
}

void mark_dry_run(const RunStore& store, const std::string& run) {
  const auto path = store.directory(run) / kDryRunMark;
  std::ofstream out(path);
  out << "a dry run: nothing of it was done; it is never resumed\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace greenlight::runbook
