// The rule an operator's reason (a skip's, an abort's) obeys wherever it
// enters: the control socket, `runbook abort --reason`, a terminal's prompt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "greenlight/runbook/executor.h"

namespace greenlight::runbook {

/// What makes `reason` unfit to be journaled as an operator's reason, or
/// nothing when it is fit: one line of valid UTF-8 of at most 1000 bytes,
/// without control characters (`runbook log`, `runbook status` and attached
/// terminals print it; an escape sequence or a newline there would move the
/// cursor or fake a line). An empty reason is fit here; whether one is
/// needed is the caller's rule. Pure; any thread.
std::optional<std::string> reason_problem(std::string_view reason);

/// The rule of a decision's reason, wherever the decision is taken (a
/// terminal's prompt, an answer through the control socket): a skip and an
/// abort need one ("a reason is needed to skip"), journaled as the
/// operator's why; any reason given must be fit (reason_problem). Nothing
/// when `reason` will do for `kind`. Pure; any thread.
std::optional<std::string> decision_reason_problem(Decision::Kind kind, std::string_view reason);

}  // namespace greenlight::runbook
