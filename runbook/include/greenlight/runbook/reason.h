// The rule an operator's reason (a skip's, an abort's) obeys wherever it
// enters: the control socket, `runbook abort --reason`, a terminal's prompt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace greenlight::runbook {

/// What makes `reason` unfit to be journaled as an operator's reason, or
/// nothing when it is fit: one line of valid UTF-8 of at most 1000 bytes,
/// without control characters (`runbook log`, `runbook status` and attached
/// terminals print it; an escape sequence or a newline there would move the
/// cursor or fake a line). An empty reason is fit here; whether one is
/// needed is the caller's rule. Pure; any thread.
std::optional<std::string> reason_problem(std::string_view reason);

}  // namespace greenlight::runbook
