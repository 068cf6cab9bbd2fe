#include "greenlight/runbook/run_gate_status.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "run_files.h"

namespace greenlight::runbook {
namespace {

constexpr std::string_view kFirstLine = "greenlight-gate-status 1";
constexpr const char* kFileName = "gate-status";
// News that is only figures or a newer result is written at most this often.
constexpr std::chrono::seconds kMinorNewsEvery{30};

std::int64_t unix_ms(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::vector<std::string_view> split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto end = line.find(separator, start);
    fields.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

template <typename T>
T number(std::string_view text, std::size_t line, std::string_view what) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    throw RunGateStatusError(fmt::format("line {}: {} is not a number: '{}'", line, what, text));
  }
  return value;
}

// "4s", "2m05s", "3h12m".
std::string age(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(0, ms / 1000);
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

RunGateStatus::Check check_of(const RunGateStatus::Check& head, const GateCheckState& state) {
  RunGateStatus::Check check = head;
  switch (state.state) {
    case GateCheckState::State::kGreen:
    case GateCheckState::State::kRed:
      check.verdict = std::string(checks::to_string(state.status));
      check.evidence_ms =
          state.evidence == std::chrono::system_clock::time_point{} ? 0 : unix_ms(state.evidence);
      check.reason = state.message;
      break;
    case GateCheckState::State::kNoResult:
      check.verdict = "-";
      check.evidence_ms = 0;
      check.reason = "no result yet";
      break;
    case GateCheckState::State::kStale:
      check.verdict = "-";
      check.evidence_ms = 0;
      check.reason = "no result since the gate started waiting";
      break;
  }
  return check;
}

}  // namespace

std::string format_run_gate_status(const RunGateStatus& status) {
  std::string text = fmt::format(
      "{}\npid\t{}\ngate\t{}\nphase\t{}\nsince\t{}\nstable_for\t{}\n"
      "written\t{}\n",
      kFirstLine, status.pid, escape_field(status.gate), escape_field(status.phase),
      status.since_ms, status.stable_for_ms, status.written_ms);
  for (const auto& check : status.checks) {
    text += fmt::format("check\t{}\t{}\t{}\t{}\t{}\n", escape_field(check.name),
                        escape_field(check.verdict), check.evidence_ms, escape_field(check.nodes),
                        escape_field(check.reason));
  }
  return text;
}

RunGateStatus parse_run_gate_status(std::string_view text) {
  RunGateStatus status;
  const auto lines = split(text, '\n');
  if (lines.empty() || lines[0] != kFirstLine) {
    throw RunGateStatusError(fmt::format("line 1: not a gate status (expected '{}')", kFirstLine));
  }
  std::vector<std::string> seen;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t n = i + 1;
    if (lines[i].empty() && i + 1 == lines.size()) break;  // the final newline
    const auto fields = split(lines[i], '\t');
    const std::string key(fields[0]);
    const std::size_t wanted = key == "check" ? 6 : 2;
    if (fields.size() != wanted) {
      throw RunGateStatusError(
          fmt::format("line {}: '{}' has {} fields, not {}", n, key, fields.size(), wanted));
    }
    if (key == "check") {
      status.checks.push_back({unescape_field(fields[1]), unescape_field(fields[2]),
                               number<std::int64_t>(fields[3], n, "the evidence's time"),
                               unescape_field(fields[4]), unescape_field(fields[5])});
      continue;
    }
    if (key == "pid") {
      status.pid = number<int>(fields[1], n, "pid");
    } else if (key == "gate") {
      status.gate = unescape_field(fields[1]);
    } else if (key == "phase") {
      status.phase = unescape_field(fields[1]);
    } else if (key == "since") {
      status.since_ms = number<std::int64_t>(fields[1], n, "since");
    } else if (key == "stable_for") {
      status.stable_for_ms = number<std::int64_t>(fields[1], n, "stable_for");
    } else if (key == "written") {
      status.written_ms = number<std::int64_t>(fields[1], n, "written");
    } else {
      throw RunGateStatusError(fmt::format("line {}: unknown record '{}'", n, key));
    }
    seen.push_back(key);
  }
  for (const char* key : {"pid", "gate", "phase", "since", "stable_for", "written"}) {
    if (std::find(seen.begin(), seen.end(), key) == seen.end())
      throw RunGateStatusError(fmt::format("no '{}' line (cut short?)", key));
  }
  return status;
}

std::optional<RunGateStatus> read_run_gate_status(const std::filesystem::path& run_directory) {
  const auto path = run_directory / kFileName;
  std::error_code absent;
  if (!std::filesystem::exists(path, absent) && !absent) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw RunGateStatusError(
        fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse_run_gate_status(text.str());
  } catch (const RunGateStatusError& error) {
    throw RunGateStatusError(fmt::format("{}: {}", path.string(), error.what()));
  }
}

void write_run_gate_status(const std::filesystem::path& run_directory,
                           const RunGateStatus& status) {
  const auto path = run_directory / kFileName;
  const auto temporary = run_directory / (std::string(kFileName) + ".tmp");
  std::string error = write_synced(temporary, format_run_gate_status(status), true);
  if (error.empty() && ::rename(temporary.c_str(), path.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlink(temporary.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), error));
  }
}

void remove_run_gate_status(const std::filesystem::path& run_directory) noexcept {
  std::error_code ignored;
  std::filesystem::remove(run_directory / kFileName, ignored);
  std::filesystem::remove(run_directory / (std::string(kFileName) + ".tmp"), ignored);
}

RunGateStatusWriter::RunGateStatusWriter(std::filesystem::path run_directory, RunGateStatus head)
    : run_directory_(std::move(run_directory)), current_(std::move(head)) {}

RunGateStatusWriter::~RunGateStatusWriter() { remove_run_gate_status(run_directory_); }

bool RunGateStatusWriter::update(const GateStatus& status,
                                 std::chrono::system_clock::time_point now) {
  RunGateStatus next = current_;
  next.written_ms = 0;
  std::string words;
  for (std::size_t i = 0; i < next.checks.size() && i < status.checks.size(); ++i) {
    next.checks[i] = check_of(next.checks[i], status.checks[i]);
    const auto& check = next.checks[i];
    words += fmt::format("{}\t{}\t{}\t{}\n", check.name, check.verdict, check.nodes,
                         without_figures(check.reason));
  }
  const std::string full = format_run_gate_status(next);
  if (ever_written_ && words == last_words_ &&
      (full == last_full_ || now - last_write_ < kMinorNewsEvery))
    return false;
  next.written_ms = unix_ms(now);
  try {
    write_run_gate_status(run_directory_, next);
    error_.clear();
  } catch (const std::exception& error) {
    error_ = error.what();
  }
  // A failed write is not retried at every poll, only at the next news.
  ever_written_ = true;
  last_words_ = std::move(words);
  last_full_ = full;
  last_write_ = now;
  current_ = std::move(next);
  return true;
}

std::vector<std::string> explain_gate_wait(const std::filesystem::path& run_directory,
                                           const JournalRecord& waiting, int holder,
                                           std::chrono::system_clock::time_point now) {
  const auto path = (run_directory / kFileName).string();
  std::optional<RunGateStatus> status;
  try {
    status = read_run_gate_status(run_directory);
  } catch (const std::exception& error) {
    return {fmt::format("why it is red: not known ({})", error.what())};
  }
  if (!status) {
    return {fmt::format("why it is red: not known (process {} has written no {})", holder, path)};
  }
  if (status->pid != holder || status->gate != waiting.step || status->phase != waiting.phase ||
      status->since_ms != waiting.unix_ms) {
    return {fmt::format(
        "why it is red: not known ({} is of another wait: gate {} (phase {}) by process {})", path,
        status->gate, status->phase, status->pid)};
  }
  const std::int64_t now_ms = unix_ms(now);
  bool all_ok = !status->checks.empty();
  std::vector<std::string> lines;
  for (const auto& check : status->checks) {
    all_ok = all_ok && check.verdict == "OK";
    lines.push_back(
        fmt::format("  {:<8} {} ({}): {}{}", check.verdict == "-" ? "NONE" : check.verdict,
                    check.name, check.nodes, check.reason,
                    check.evidence_ms == 0
                        ? std::string()
                        : fmt::format(" [result of {} ago]", age(now_ms - check.evidence_ms))));
  }
  lines.insert(lines.begin(),
               all_ok ? fmt::format("every check is green, not yet for long enough (the gate's "
                                    "stable_for: {}s; a check may hold its own) (as process {} "
                                    "wrote {} ago):",
                                    status->stable_for_ms / 1000, status->pid,
                                    age(now_ms - status->written_ms))
                      : fmt::format("why it is red (as process {} wrote {} ago):", status->pid,
                                    age(now_ms - status->written_ms)));
  return lines;
}

}  // namespace greenlight::runbook
