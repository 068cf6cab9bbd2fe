// The node sets a run holds of its own: its exclusions and its @run: groups.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/executor.h"
#include "run_journal.h"

namespace greenlight::runbook {

/// The run's exclusions (`--exclude` of this process and those the journal
/// holds), removed from every step and gate, and its @run: groups (saved by
/// its save_group steps, imported with `--from-run`), installed in the
/// context's resolver as the `run` group source. Owned by Executor::Impl;
/// called on the io_context's thread.
class RunGroups {
 public:
  /// What `journal` holds of them (exclusions, imported groups, the groups
  /// of the save_group steps it finished), the `run` source installed.
  RunGroups(const Executor::Context& context, const RunJournal& journal,
            std::function<void()> refresh);

  /// Journals the exclusions and imported groups this process was given
  /// (`options`), as the run starts or resumes.
  void record_options(RunJournal& journal, const ExecutorOptions& options);

  /// The run's exclusions, null when none.
  const NodeSet* excluded() const { return excluded_.empty() ? nullptr : &excluded_; }
  /// The @run: groups: name -> folded node set.
  const std::map<std::string, std::string>& saved() const { return saved_; }
  /// @run:`group` is `nodes` (folded) from now on.
  void save(const std::string& group, const std::string& nodes);
  /// The dynamic groups read afresh (ExecutorOptions::refresh_groups),
  /// right before a step or a gate resolves its node sets.
  void refresh() const {
    if (refresh_) refresh_();
  }

 private:
  void install();

  const config::Site& site_;
  GroupResolver& groups_;
  Operator& person_;
  std::function<void()> refresh_;
  std::map<std::string, std::string> saved_;
  NodeSet excluded_;
};

}  // namespace greenlight::runbook
