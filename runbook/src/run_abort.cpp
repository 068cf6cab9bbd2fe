#include "greenlight/runbook/run_abort.h"

#include <fmt/format.h>
#include <signal.h>

#include "greenlight/core/process.h"
#include "step_processes.h"

namespace greenlight::runbook {

std::vector<std::string> end_interrupted_steps(Journal& journal,
                                               const std::vector<JournalRecord>& records,
                                               const RunState& state, const std::string& why,
                                               std::chrono::milliseconds grace) {
  std::vector<std::string> lines;
  const auto steps = state.steps.find(state.current_phase);
  if (steps == state.steps.end()) return lines;
  for (const auto& [number, step_state] : steps->second) {
    if (step_state != StepState::kStarted) continue;
    const auto commands = detail::step_commands_of(records, state.current_phase, number);
    const auto running = detail::still_running(commands);
    std::vector<ProcessGroupMark> groups;
    for (const auto& live : running) groups.push_back(live.process.mark);
    const auto ended = end_process_groups(groups, grace);
    for (const auto& live : running) {
      const auto it = ended.find(live.process.mark.pgid);
      if (it == ended.end()) continue;
      journal.append(JournalEvent::kStepProcessEnded, state.current_phase, std::to_string(number),
                     detail::step_process_ended_detail(live.process.mark.pgid, it->second, why));
      lines.push_back(fmt::format(
          "step {} of phase {}: ended its command, still running since the run was interrupted "
          "(process group {}, SIG{}{})",
          number, state.current_phase, live.process.mark.pgid,
          it->second == SIGKILL ? "KILL" : "TERM",
          live.process.node.empty() ? "" : ", on " + live.process.node));
    }
    if (!commands.remote_nodes.empty()) {
      lines.push_back(fmt::format(
          "step {} of phase {}: its command was sent over SSH to {} and may still be running "
          "there (greenlight lost those sessions and cannot end it): look there before starting "
          "a new run",
          number, state.current_phase, commands.remote_nodes));
    }
  }
  return lines;
}

}  // namespace greenlight::runbook
