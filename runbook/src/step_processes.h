// What a run's journal says about the commands of a step's last start:
// the local process groups it started (step-process), those an orderly stop
// ended (step-process-ended) and the nodes it reached over SSH
// (step-remote); and, after a crash, whether they may still be running.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/process.h"
#include "greenlight/runbook/journal.h"

namespace greenlight::runbook::detail {

/// The detail of a step-process record: "pgid=N pid=N boot=ID start=TICKS node=NODE".
std::string step_process_detail(const ProcessGroupMark& mark, const std::string& node);

struct StepProcess {
  ProcessGroupMark mark;
  std::string node;
  std::int64_t unix_ms = 0;  ///< when it started
  int ended_with = 0;        ///< the signal an orderly stop ended it with; 0: not ended
};

/// The detail of a step-process-ended record: "pgid=N signal=TERM: WHY".
std::string step_process_ended_detail(int pgid, int signal, const std::string& why);

/// The step's commands since its last step-started record.
struct StepCommands {
  std::vector<StepProcess> local;
  std::string remote_nodes;  ///< folded; empty when none went over SSH
};
StepCommands step_commands_of(const std::vector<JournalRecord>& records, const std::string& phase,
                              int number);

/// A local command of the step that still runs, for the operator's words.
struct StillRunning {
  StepProcess process;
  int pid = 0;  ///< a running process of its group (the leader while it lives)
};
std::vector<StillRunning> still_running(const StepCommands& commands);

/// Lines for the operator about the step's commands after an interruption:
/// which still run ("step 2 may still be running: process group 4242 since
/// 22:10:05, pid 4242 on top1"), which an orderly stop ended, which ended by
/// themselves, and on which nodes a command sent over SSH may still run.
std::vector<std::string> describe_step_commands(int number, const StepCommands& commands,
                                                const std::vector<StillRunning>& running);

}  // namespace greenlight::runbook::detail
