#include "run_groups.h"

#include <fmt/format.h>

#include <memory>

#include "greenlight/core/clustershell_groups.h"

namespace greenlight::runbook {

RunGroups::RunGroups(const Executor::Context& context, const RunJournal& journal,
                     std::function<void()> refresh)
    : site_(context.site),
      groups_(context.groups),
      person_(context.person),
      refresh_(std::move(refresh)) {
  const RunState& state = journal.state();
  for (const auto& [nodes, who] : state.exclusions)
    excluded_.update(NodeSet::parse(site_.with_self_named(nodes), &groups_));
  // Groups imported from an earlier run (--from-run), then node sets saved
  // by save_group steps of earlier processes.
  for (const auto& [name, nodes] : state.imported_groups) saved_[name] = nodes;
  for (const auto& phase : context.book.phases) {
    for (std::size_t i = 0; i < phase.steps.size(); ++i) {
      if (phase.steps[i].kind != StepKind::kSaveGroup) continue;
      const int number = static_cast<int>(i) + 1;
      const auto detail = journal.step_detail(phase.name, number);
      const auto eq = detail.find('=');
      if (journal.step_state(phase.name, number) == StepState::kFinished &&
          eq != std::string::npos) {
        const auto end = detail.find(' ', eq);
        saved_[phase.steps[i].group] =
            detail.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
      }
    }
  }
  install();
}

void RunGroups::record_options(RunJournal& journal, const ExecutorOptions& options) {
  if (!options.import_groups.empty() && journal.state().imported_groups.empty()) {
    for (const auto& [name, nodes] : options.import_groups) {
      journal.append(JournalEvent::kRunGroupImported, "", name,
                     fmt::format("{} from run {}", nodes, options.import_from));
      saved_[name] = nodes;
      person_.report(fmt::format("@run:{} = {} (saved by run {})", name,
                                 nodes.empty() ? "(empty)" : nodes, options.import_from));
    }
    install();
  }
  if (options.exclude.empty()) return;
  const NodeSet more = NodeSet::parse(site_.with_self_named(options.exclude), &groups_);
  if (more.empty()) return;
  const std::string who = options.excluded_by.empty() ? "unknown" : options.excluded_by;
  journal.append(JournalEvent::kNodesExcluded, "", more.fold(), "by " + who);
  excluded_.update(more);
  person_.report(fmt::format("excluded from every step and gate of this run: {} (now {}), by {}",
                             more.fold(), excluded_.fold(), who));
}

void RunGroups::save(const std::string& group, const std::string& nodes) {
  saved_[group] = nodes;
  install();
}

void RunGroups::install() {
  std::map<std::string, std::string, std::less<>> groups(saved_.begin(), saved_.end());
  groups_.add_source("run", std::make_shared<StaticGroupSource>(std::move(groups)));
}

}  // namespace greenlight::runbook
