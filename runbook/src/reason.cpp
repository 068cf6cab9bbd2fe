#include "greenlight/runbook/reason.h"

#include <fmt/format.h>

#include "greenlight/core/json.h"

namespace greenlight::runbook {

std::optional<std::string> reason_problem(std::string_view reason) {
  if (reason.size() > 1000)
    return fmt::format("a reason is at most 1000 bytes ({} given)", reason.size());
  for (std::size_t i = 0; i < reason.size(); ++i) {
    const auto byte = static_cast<unsigned char>(reason[i]);
    if (byte < 0x20 || byte == 0x7f) {
      return fmt::format("a reason is one line of text: control character 0x{:02x} at byte {}",
                         byte, i + 1);
    }
  }
  if (valid_utf8(reason) != reason) return std::string("a reason is UTF-8 text");
  return std::nullopt;
}

std::optional<std::string> decision_reason_problem(Decision::Kind kind, std::string_view reason) {
  if (reason.empty() && (kind == Decision::Kind::kSkip || kind == Decision::Kind::kAbort))
    return fmt::format("a reason is needed to {}", to_string(kind));
  return reason_problem(reason);
}

}  // namespace greenlight::runbook
