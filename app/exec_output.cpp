#include "exec_output.h"

#include <fmt/format.h>

#include <map>

#include "greenlight/core/nodeset.h"

namespace greenlight::app {
namespace {

void print_lines(std::FILE* to, const std::string& prefix, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    fmt::print(to, "{}{}\n", prefix, std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

std::string failure_category(const RunResult& result) {
  if (result.status == RunStatus::kExit) return fmt::format("exit code {}", result.exit_code);
  return to_string(result.status);
}

void print_node_lines(const RunResult& result, std::FILE* out, std::FILE* err) {
  print_lines(out, result.node + ": ", result.out);
  print_lines(err, result.node + ": ", result.err);
  if (!result.ok()) fmt::print(err, "greenlight: {}: {}\n", result.node, result.reason);
}

void print_gathered(const std::vector<RunResult>& results, std::FILE* out, std::FILE* err) {
  for (const auto& result : results) print_lines(err, result.node + ": ", result.err);
  for (const auto& group : gather_identical(results)) {
    if (!group.out.empty()) {
      fmt::print(out, "---------------\n{} ({})\n---------------\n", group.nodes, group.count);
      print_lines(out, "", group.out);
    }
    if (group.status != RunStatus::kOk) {
      fmt::print(err, "greenlight: {} ({}): {}\n", group.nodes, group.count, group.reason);
    }
  }
}

JsonDocument results_json(const std::vector<RunResult>& results) {
  JsonDocument list = JsonDocument::array();
  for (const auto& r : results) {
    // An exit code only when the command ran and exited by itself.
    const bool exited = r.status == RunStatus::kOk || r.status == RunStatus::kExit;
    list.push_back({{"node", r.node},
                    {"command", r.command},
                    {"status", to_string(r.status)},
                    {"exit_code", exited ? JsonDocument(r.exit_code) : JsonDocument(nullptr)},
                    {"reason", r.reason},
                    {"stdout", r.out},
                    {"stderr", r.err},
                    {"truncated", r.truncated},
                    {"duration_seconds", milliseconds_in_seconds(r.duration)}});
  }
  return list;
}

std::string failure_summary(const std::vector<RunResult>& results) {
  std::map<std::string, std::vector<std::string>> by_category;
  std::vector<std::string> failed;
  std::vector<std::string> all;
  for (const auto& result : results) {
    all.push_back(result.node);
    if (result.ok()) continue;
    failed.push_back(result.node);
    by_category[failure_category(result)].push_back(result.node);
  }
  if (failed.empty()) return "";
  std::string summary = fmt::format("{} of {} nodes failed\n", NodeSet::from_names(failed).size(),
                                    NodeSet::from_names(all).size());
  for (const auto& [category, nodes] : by_category) {
    const NodeSet set = NodeSet::from_names(nodes);
    summary += fmt::format("  {}: {} ({})\n", category, set.fold(), set.size());
  }
  return summary;
}

int exec_exit_code(const std::vector<RunResult>& results) {
  int code = 0;
  for (const auto& result : results) {
    if (result.status == RunStatus::kExit) {
      code = std::max(code, result.exit_code);
    } else if (!result.ok()) {
      code = 255;
    }
  }
  return code;
}

}  // namespace greenlight::app
