// `greenlight runbook check NAME` and the Readiness section of greenlight
// serve: which gates of a runbook would block if it started now. The gates
// that must be green before the first step (the `require` gates of the
// phases up to the first one with steps) must be green now; the checks
// behind every later gate must be able to look now (a check that cannot
// reach its source would keep its gate red on the day).
//
// One path for both: plan_readiness() builds the checks behind every gate
// as exec would, the caller gets their results (the command runs them once,
// serve reads its scheduler's latest), judge_readiness() gives the verdicts.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_result.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
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
  std::string check;      ///< the site's check name
  std::string key;        ///< the gate's reference (gate_check_key)
  std::string evaluated;  ///< what ran: the key, or the site's check when the node sets are known
                          ///< only at run time
  /// The name its results are kept under (a scheduler's check name): the
  /// gate's check as exec builds it, or the site's check standing in for
  /// it. Empty when it cannot be built (`result` then says why).
  std::string source;
  /// The node sets it is asked about, "vms=a[1-2] peers=top[1-3]" (its
  /// `targets`, `peers`, `vms`, `hosts`, `nodes`); empty when it has none.
  std::string nodes;
  checks::CheckResult result;
  bool blocks = false;
  std::string why;  ///< when it blocks: in the operator's words
};

struct ReadinessGate {
  GateUse use;
  std::vector<ReadinessCheck> checks;
  bool blocks() const;
};

/// A check a report needs a result from, built as exec would build it.
struct ReadinessProbe {
  std::unique_ptr<checks::Check> check;
  const config::CheckSpec* spec = nullptr;  ///< the site's check (host, timeout); into the site
};

/// The readiness of one runbook. Move-only (it owns the probes).
struct ReadinessReport {
  const Runbook* book = nullptr;  ///< the runbook given to plan_readiness
  std::vector<ReadinessGate> gates;
  /// Every check to run to judge the gates, once each, by `source`.
  std::map<std::string, ReadinessProbe> probes;
  bool blocks() const;
  /// "ready: none of its N gates would block now", or "would block at gate
  /// G (phase P) because CHECK: WHY (MESSAGE); ..." naming every blocking
  /// check of the first gate that blocks.
  std::string summary() const;
};

/// The gates of `book` and the checks behind them, without results: each
/// gate reference with its dynamic groups resolved through `groups` as exec
/// would (gate_for_run); one whose groups a run saves (@run:NAME) falls
/// back to the site's check for a later gate and is not judged before the
/// first step. A check that cannot be built gets an unknown result saying
/// why and no source. Never throws for the site's contents; `site`,
/// `groups` and `book` must outlive the report.
ReadinessReport plan_readiness(const config::Site& site, const GroupResolver& groups,
                               const Runbook& book);

/// The latest result kept under a check's `source`; nullptr when there is none.
using ReadinessResults = std::function<const checks::CheckResult*(const std::string& source)>;

/// Gives every check of the report its result from `results` (an unknown
/// result saying `missing` when there is none: never OK without one) and
/// judges it (the overload below).
void judge_readiness(ReadinessReport& report, const ReadinessResults& results,
                     const std::string& missing);

/// The verdict on one check result: before the first step a gate's check
/// must be OK; later it must have looked (anything but UNKNOWN), since its
/// expected state (stopped, unreachable...) comes only with the steps.
void judge_readiness(ReadinessCheck& check, bool before_first_step);

/// The report as text, one block per gate, the blocking ones named with
/// the evidence (the check's message), and a last line with the count.
std::string render_readiness(const Runbook& book, const std::vector<ReadinessGate>& gates);

}  // namespace greenlight::runbook
