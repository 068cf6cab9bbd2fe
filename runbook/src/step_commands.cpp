#include "step_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace greenlight::runbook::detail {
namespace {

std::string first_lines(const std::string& text, std::size_t lines) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t n = 0; n < lines && start < text.size(); ++n) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "      " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  if (start < text.size()) out += "      ...\n";
  return out;
}

// The last non-blank line of what the command wrote on stderr: ipmitool,
// umount or gluster say why there, and "exit 1" alone does not tell a wrong
// password from a BMC that does not answer.
std::string last_error_line(const std::string& err) {
  constexpr std::string_view kBlank = " \t\r\n";
  std::size_t end = err.size();
  while (end > 0) {
    const std::size_t newline = err.rfind('\n', end - 1);
    const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
    const std::string line = err.substr(begin, end - begin);
    const std::size_t first = line.find_first_not_of(kBlank);
    if (first != std::string::npos) {
      const std::size_t last = line.find_last_not_of(kBlank);
      return line.substr(first, std::min<std::size_t>(last + 1 - first, 200));
    }
    end = newline == std::string::npos ? 0 : newline;
  }
  return {};
}

// Failed results whose reason carries their stderr's last line, so that
// results are gathered (and read) by the whole reason.
std::vector<RunResult> with_stderr_reasons(const std::vector<RunResult>& results) {
  std::vector<RunResult> out = results;
  for (auto& result : out) {
    if (result.ok()) continue;
    if (const std::string line = last_error_line(result.err); !line.empty())
      result.reason += (result.reason.empty() ? "" : ": ") + line;
  }
  return out;
}

}  // namespace

bool succeeded(const RunResult& result, const std::vector<int>& allowed) {
  auto allows = [&allowed](int code) {
    return std::find(allowed.begin(), allowed.end(), code) != allowed.end();
  };
  if (result.status == RunStatus::kOk) return allows(0);
  if (result.status == RunStatus::kExit) return allows(result.exit_code);
  // 255 is ssh's "connection closed": a success only when the command was
  // sent and the host then went away (poweroff). Refused, authentication,
  // host key, unreachable and timeout never ran it, or never proved it ran.
  return result.status == RunStatus::kClosed && allows(255);
}

std::vector<std::string> folded_results(const std::vector<RunResult>& results) {
  std::vector<std::string> lines;
  for (const auto& group : gather_identical(with_stderr_reasons(results))) {
    const std::string verdict = group.status == RunStatus::kOk ? "ok" : group.reason;
    std::string line = fmt::format("  {} ({}): {}", group.nodes, group.count, verdict);
    if (!group.out.empty()) line += "\n" + first_lines(group.out, 5);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string failure_summary(const std::vector<RunResult>& failed, bool name_commands) {
  const std::vector<RunResult> results = with_stderr_reasons(failed);
  std::string out;
  for (const auto& group : gather_identical(results)) {
    std::string reason = group.reason;
    if (reason.empty()) reason = to_string(group.status);
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", group.nodes, reason);
    if (!name_commands) continue;
    // The command of the group's first node, and whether the others ran the same.
    std::vector<const RunResult*> members;
    for (const auto& r : results) {
      if (r.out == group.out && r.status == group.status && r.exit_code == group.exit_code &&
          r.reason == group.reason)
        members.push_back(&r);
    }
    if (members.empty()) continue;
    const RunResult& sample = *members.front();
    std::vector<std::string> others;
    bool same = true;
    for (const RunResult* r : members) {
      if (r == &sample) continue;
      others.push_back(r->node);
      same = same && r->command == sample.command;
    }
    if (same) {
      out += fmt::format(" (command: {})", sample.command);
    } else {
      out += fmt::format(" (command on {}: {}; likewise on {})", sample.node, sample.command,
                         NodeSet::from_names(others).fold());
    }
  }
  return out;
}

std::string fold_nodes(const std::vector<RunResult>& results) {
  std::vector<std::string> names;
  for (const auto& result : results) names.push_back(result.node);
  return NodeSet::from_names(names).fold();
}

}  // namespace greenlight::runbook::detail
