#include "greenlight/runbook/run_outline.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "run_files.h"

namespace greenlight::runbook {

std::string describe_step(const Step& step) {
  switch (step.kind) {
    case StepKind::kRun:
      return fmt::format("run on {}{}: {}", step.nodes,
                         step.exclude.empty() ? "" : " except " + step.exclude,
                         step.command ? step.command->text() : "");
    case StepKind::kPower:
      return fmt::format("power {} {}{}", step.power_action, step.nodes,
                         step.exclude.empty() ? "" : " except " + step.exclude);
    case StepKind::kConfirm:
      return "confirm: " + step.text;
    case StepKind::kManual:
      return "manual: " + step.text;
    case StepKind::kSaveGroup:
      return fmt::format("save {} as @run:{}{}", step.nodes, step.group,
                         step.fallback.empty() ? "" : " (else " + step.fallback + ")");
    case StepKind::kSelfPoweroff:
      return "self_poweroff: " + (step.command ? step.command->text() : std::string());
  }
  return "?";
}

namespace {

std::string gate_line(const Gate& gate) {
  std::string line = fmt::format("gate {}:", gate.name);
  for (const auto& check : gate.checks) {
    line += fmt::format(" check {} expect {}", check.check, check.expect);
    for (const auto& [key, value] : check.overrides.entries)
      line += fmt::format(" {}={}", key.scalar, value.is_scalar() ? value.scalar : value.describe());
    if (check.stable_for) line += fmt::format(" stable_for {}ms", check.stable_for->count());
    line += ";";
  }
  line += fmt::format(" stable_for {}ms, timeout {}ms", gate.stable_for.count(),
                      gate.timeout.count());
  if (!gate.remedy) return line;
  std::string states;
  for (const auto& state : gate.remedy->states) states += (states.empty() ? "" : ",") + state;
  line += fmt::format("; remedy after {}ms, {} attempts, states {}:", gate.remedy->after.count(),
                      gate.remedy->attempts, states);
  for (const auto& step : gate.remedy->steps) line += " " + describe_step(step) + ";";
  return line;
}

std::string step_line(int number, const Step& step) {
  std::string line =
      fmt::format("  step {} {}{}", number, step.id.empty() ? "" : fmt::format("(id {}) ", step.id),
                  describe_step(step));
  if (step.kind == StepKind::kRun) {
    std::string codes;
    for (int code : step.allowed_exit_codes) codes += (codes.empty() ? "" : ",") + std::to_string(code);
    line += fmt::format("; exit codes {}; {} failed nodes allowed", codes, step.max_failed_nodes);
  }
  // How it runs, when not the site's defaults: a change of these while the
  // run is paused is a change of the runbook too.
  if (step.fanout != 0) line += fmt::format("; fanout {}", step.fanout);
  if (step.timeout.count() != 0) line += fmt::format("; timeout {}ms", step.timeout.count());
  if (step.retries != 0) {
    line += fmt::format("; {} retries {}ms apart", step.retries, step.retry_delay.count());
  }
  if (!step.fallback.empty()) line += "; fallback " + step.fallback;
  if (step.idempotent) line += "; idempotent";
  return line;
}

}  // namespace

std::vector<std::string> outline_of(const Runbook& book) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("runbook {}", book.name));
  for (const auto& gate : book.gates) lines.push_back(gate_line(gate));
  for (const auto& phase : book.phases) {
    lines.push_back(fmt::format("phase {}", phase.name));
    for (const auto& gate : phase.require) lines.push_back("  require " + gate);
    int number = 0;
    for (const auto& step : phase.steps) lines.push_back(step_line(++number, step));
    for (const auto& gate : phase.wait_for) lines.push_back("  wait_for " + gate);
  }
  lines.insert(lines.end(), book.site_parts.begin(), book.site_parts.end());
  // One line each: a newline inside a text (a multi-line confirm) is escaped.
  for (auto& line : lines) {
    for (std::size_t at = line.find('\n'); at != std::string::npos; at = line.find('\n', at))
      line.replace(at, 1, "\\n");
  }
  return lines;
}

void write_outline(const std::filesystem::path& run_directory, const Runbook& book,
                   const std::string& name) {
  const auto path = run_directory / name;
  std::string text;
  for (const auto& line : outline_of(book)) text += line + "\n";
  if (const auto error = write_synced(path, text, false); !error.empty()) {
    throw std::runtime_error(
        fmt::format("cannot write the run's outline {}: {}", path.string(), error));
  }
}

void write_runbook_copy(const std::filesystem::path& run_directory, const Runbook& book) {
  if (book.file.empty()) return;  // built in memory: no file to copy
  const auto path = run_directory / "runbook.yaml";
  std::ifstream in(book.file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) {
    throw std::runtime_error(fmt::format("cannot copy runbook {} from {}: cannot read it",
                                         book.name, book.file.string()));
  }
  if (const auto error = write_synced(path, text.str(), false); !error.empty()) {
    throw std::runtime_error(fmt::format("cannot copy runbook {} from {} to {}: {}", book.name,
                                         book.file.string(), path.string(), error));
  }
}

std::optional<std::string> outline_fingerprint(const std::filesystem::path& run_directory,
                                               const std::string& name) {
  std::ifstream in(run_directory / name, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  const std::string bytes = text.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    return std::nullopt;
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::vector<std::string> outline_phases(const std::vector<std::string>& outline) {
  std::vector<std::string> phases;
  for (const auto& line : outline) {
    if (line.rfind("phase ", 0) == 0) phases.push_back(line.substr(6));
  }
  return phases;
}

std::optional<std::vector<std::string>> read_outline(const std::filesystem::path& run_directory,
                                                     const std::string& name) {
  std::ifstream in(run_directory / name);
  if (!in) return std::nullopt;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> outline_diff(const std::vector<std::string>& then,
                                      const std::vector<std::string>& now) {
  // Longest common subsequence: outlines are a few hundred lines at most.
  const std::size_t n = then.size(), m = now.size();
  std::vector<std::vector<std::size_t>> common(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      common[i][j] = then[i] == now[j] ? common[i + 1][j + 1] + 1
                                       : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::string> out;
  // A line inside a phase ("  step 2 ...") names its phase: "step 2" alone
  // does not say which.
  std::string then_phase, now_phase;
  auto follow = [](const std::string& line, std::string& phase) {
    if (line.rfind("phase ", 0) == 0) phase = line.substr(6);
  };
  auto shown = [](const std::string& line, const std::string& phase) {
    return line.rfind("  ", 0) == 0 && !phase.empty() ? fmt::format("{} (phase {})", line, phase)
                                                      : line;
  };
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && then[i] == now[j]) {
      follow(then[i++], then_phase);
      follow(now[j++], now_phase);
    } else if (j < m && (i == n || common[i][j + 1] > common[i + 1][j])) {
      follow(now[j], now_phase);
      out.push_back("+ " + shown(now[j++], now_phase));
    } else {
      follow(then[i], then_phase);
      out.push_back("- " + shown(then[i++], then_phase));
    }
  }
  return out;
}

}  // namespace greenlight::runbook
