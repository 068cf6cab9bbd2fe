#include "failure_reason.h"

#include <string_view>

#include "../text.h"

namespace greenlight::checks::detail {
namespace {

std::string first_meaningful_line(std::string_view text, bool skip_xml) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    if (!line.empty() && !(skip_xml && line.front() == '<')) return std::string(line.substr(0, 300));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return {};
}

std::string op_errstr(std::string_view xml) {
  const auto open = xml.find("<opErrstr>");
  if (open == std::string_view::npos) return {};
  const auto start = open + std::string_view("<opErrstr>").size();
  const auto close = xml.find("</opErrstr>", start);
  if (close == std::string_view::npos) return {};
  return std::string(trim(xml.substr(start, std::min<std::size_t>(close - start, 300))));
}

}  // namespace

std::string gluster_failure_reason(const RunResult& result) {
  if (auto reason = first_meaningful_line(result.err, false); !reason.empty()) return reason;
  if (auto reason = op_errstr(result.out); !reason.empty()) return reason;
  if (auto reason = first_meaningful_line(result.out, true); !reason.empty()) return reason;
  return "exit status " + std::to_string(result.exit_code);
}

}  // namespace greenlight::checks::detail
