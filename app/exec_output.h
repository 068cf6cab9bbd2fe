// How `greenlight exec` prints results: clush's `node: line` form, clush -b's
// gathered form, JSON, and the summary of failed nodes by reason.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "greenlight/core/runner.h"
#include "output.h"

namespace greenlight::app {

/// "node: line" for every line of the result's stdout (to `out`) and stderr
/// (to `err`), then, for a failure, "greenlight: node: reason" to `err`.
void print_node_lines(const RunResult& result, std::FILE* out, std::FILE* err);

/// clush -b: one block per group of identical output and exit code, headed
/// by the folded node set; failures are listed on `err` by group.
void print_gathered(const std::vector<RunResult>& results, std::FILE* out, std::FILE* err);

/// One JSON object per node and command, in order: the "results" of the
/// document greenlight/exec/v1 (docs/json.md).
JsonDocument results_json(const std::vector<RunResult>& results);

/// The failure category an operator reads: "connection refused", "exit code 3".
std::string failure_category(const RunResult& result);

/// "N of M nodes failed" then one line per category with its folded node set;
/// empty when nothing failed.
std::string failure_summary(const std::vector<RunResult>& results);

/// clush -S's rule: the highest exit code, 255 when a node could not be
/// reached, timed out or did not run the command.
int exec_exit_code(const std::vector<RunResult>& results);

}  // namespace greenlight::app
