// gluster volume heal VOL: text output.
#include <vector>

#include "greenlight/checks/gluster.h"
#include "text.h"

namespace greenlight::checks {

HealTrigger parse_gluster_heal_trigger(std::string_view output, int exit_status) {
  HealTrigger t;
  std::vector<std::string_view> lines;
  while (!output.empty()) {
    const auto nl = output.find('\n');
    const auto line = detail::trim(output.substr(0, nl));
    if (!line.empty()) lines.push_back(line);
    output.remove_prefix(nl == std::string_view::npos ? output.size() : nl + 1);
  }
  const bool said_success =
      !lines.empty() && lines.front().find("has been successful") != std::string_view::npos;
  if (exit_status == 0 && said_success) {
    t.launched = true;
    return t;
  }
  // "... has been unsuccessful:" is followed by the reason on the next line.
  if (lines.size() > 1 && lines.front().find("unsuccessful") != std::string_view::npos) {
    t.reason = std::string(lines[1].substr(0, 300));
  } else if (!lines.empty()) {
    t.reason = std::string(lines.front().substr(0, 300));
  }
  if (t.reason.empty() || said_success) {
    t.reason = "exit status " + std::to_string(exit_status) +
               (t.reason.empty() ? "" : " after: " + t.reason);
  }
  return t;
}

}  // namespace greenlight::checks
