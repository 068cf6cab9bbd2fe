// `greenlight runbook check NAME`: which gates of a runbook would block if
// it started now. The gates that must be green before the first step (the
// `require` gates of the phases up to the first one with steps) must be
// green now; the checks behind every later gate must be able to look now
// (a check that cannot reach its source would keep its gate red on the day).
#pragma once

#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook {

/// A gate where the runbook first waits on it.
struct GateUse {
  std::string phase;
  const Gate* gate = nullptr;  ///< into the runbook
  /// Waited on before the runbook's first step: it must be green now.
  bool before_first_step = false;
};

/// Every gate the runbook waits on, once each, in the order it is first
/// waited on (a phase's `require`, then its `wait_for`).
std::vector<GateUse> gate_uses(const Runbook& book);

/// What one check of a gate says now, and whether that blocks.
struct ReadinessCheck {
  std::string check;     ///< the site's check name
  std::string key;       ///< the gate's reference (gate_check_key)
  std::string evaluated; ///< what ran: the key, or the site's check when the node sets are known only at run time
  checks::CheckResult result;
  bool blocks = false;
  std::string why;  ///< when it blocks: in the operator's words
};

struct ReadinessGate {
  GateUse use;
  std::vector<ReadinessCheck> checks;
  bool blocks() const;
};

/// The verdict on one check result: before the first step a gate's check
/// must be OK; later it must have looked (anything but UNKNOWN), since its
/// expected state (stopped, unreachable...) comes only with the steps.
void judge_readiness(ReadinessCheck& check, bool before_first_step);

/// The report as text, one block per gate, the blocking ones named with
/// the evidence (the check's message), and a last line with the count.
std::string render_readiness(const Runbook& book, const std::vector<ReadinessGate>& gates);

}  // namespace greenlight::runbook
