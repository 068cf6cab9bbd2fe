// The abort of a run no process executes (`greenlight runbook abort RUN`
// after a crash, a kill or a reboot): what its interrupted step started and
// still runs is ended, as an orderly stop would have, so that a new run
// never starts that step's command beside the old one.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "greenlight/runbook/journal.h"

namespace greenlight::runbook {

/// For each step of `state`'s current phase that started and never ended
/// (its records in `records`): ends the local process groups its last start
/// journaled that still run (SIGTERM to the group, SIGKILL to what is left
/// after `grace`; a group id the kernel gave again to another process is
/// left alone), journals each end as step-process-ended with `why`, and
/// returns one line per command for the operator: what was ended, what had
/// already ended, and the nodes where a command sent over SSH may still run
/// (greenlight cannot end those). Blocks up to `grace` plus 2 s. Throws
/// JournalError when `journal` cannot be written. The caller holds the
/// run's lock.
std::vector<std::string> end_interrupted_steps(Journal& journal,
                                               const std::vector<JournalRecord>& records,
                                               const RunState& state, const std::string& why,
                                               std::chrono::milliseconds grace);

}  // namespace greenlight::runbook
