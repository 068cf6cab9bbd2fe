#include "greenlight/runbook/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "run_files.h"

namespace greenlight::runbook {
namespace {

constexpr std::array<std::pair<JournalEvent, const char*>, 30> kEvents = {{
    {JournalEvent::kRunStarted, "run-started"},
    {JournalEvent::kPhaseStarted, "phase-started"},
    {JournalEvent::kGateWaiting, "gate-waiting"},
    {JournalEvent::kGateGreen, "gate-green"},
    {JournalEvent::kGateTimedOut, "gate-timed-out"},
    {JournalEvent::kStepStarted, "step-started"},
    {JournalEvent::kStepFinished, "step-finished"},
    {JournalEvent::kStepFailed, "step-failed"},
    {JournalEvent::kStepSkipped, "step-skipped"},
    {JournalEvent::kSelfPoweroff, "self-poweroff"},
    {JournalEvent::kPhaseFinished, "phase-finished"},
    {JournalEvent::kRunPaused, "run-paused"},
    {JournalEvent::kRunResumed, "run-resumed"},
    {JournalEvent::kRunAborted, "run-aborted"},
    {JournalEvent::kRunFinished, "run-finished"},
    {JournalEvent::kGateSkipped, "gate-skipped"},
    {JournalEvent::kPhaseSkipped, "phase-skipped"},
    {JournalEvent::kNodesExcluded, "nodes-excluded"},
    {JournalEvent::kRunGroupImported, "run-group-imported"},
    {JournalEvent::kStepProcess, "step-process"},
    {JournalEvent::kStepProcessEnded, "step-process-ended"},
    {JournalEvent::kStepRemote, "step-remote"},
    {JournalEvent::kRunAdopted, "run-adopted"},
    {JournalEvent::kRemedyStarted, "remedy-started"},
    {JournalEvent::kRemedyStep, "remedy-step"},
    {JournalEvent::kRemedyFinished, "remedy-finished"},
    {JournalEvent::kNotified, "notified"},
    {JournalEvent::kRunOutline, "run-outline"},
    {JournalEvent::kApprovalAsked, "approval-asked"},
    {JournalEvent::kChangeApproved, "change-approved"},
}};

std::uint64_t checksum(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string format_record(const JournalRecord& r) {
  std::string body =
      fmt::format("{}\t{}\t{}\t{}\t{}\t{}", r.sequence, r.unix_ms, to_string(r.event),
                  escape_field(r.phase), escape_field(r.step), escape_field(r.detail));
  return fmt::format("{}\t{:016x}\n", body, checksum(body));
}

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what) {
  throw JournalError(fmt::format("journal {}: {}: {}", path.string(), what, std::strerror(errno)));
}

template <typename T>
bool to_number(std::string_view text, T& value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw JournalError(
        fmt::format("journal {}: cannot read: {}", path.string(), std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

const char* to_string(JournalEvent event) {
  for (const auto& [e, name] : kEvents) {
    if (e == event) return name;
  }
  return "?";
}

bool asks_operator(const JournalRecord& record) {
  if (record.event == JournalEvent::kApprovalAsked) return true;
  return record.event == JournalEvent::kStepStarted &&
         (record.detail.rfind("confirm: ", 0) == 0 || record.detail.rfind("manual: ", 0) == 0);
}

std::optional<JournalEvent> journal_event_from(std::string_view name) {
  for (const auto& [e, text] : kEvents) {
    if (name == text) return e;
  }
  return std::nullopt;
}

Journal::File::~File() {
  if (fd >= 0) ::close(fd);
}

Journal::Journal(std::filesystem::path path, int fd, std::uint64_t next_sequence)
    : path_(path), file_(std::make_shared<File>()) {
  file_->path = std::move(path);
  file_->fd = fd;
  file_->next_sequence = next_sequence;
}

Journal::Journal(Journal&& other) noexcept = default;
Journal& Journal::operator=(Journal&& other) noexcept = default;
Journal::~Journal() = default;

Journal Journal::create(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) fail(path, "cannot create");
  sync_directory(path.parent_path());
  return Journal(path, fd, 1);
}

Journal Journal::open(const std::filesystem::path& path) {
  const auto records = read_journal(path);
  // Cut a torn last line off so that new records start on a line of their own.
  const std::string text = read_text(path);
  const auto keep = text.rfind('\n');
  const auto length = keep == std::string::npos ? 0 : keep + 1;
  if (length != text.size() && ::truncate(path.c_str(), static_cast<off_t>(length)) != 0)
    fail(path, "cannot repair");
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open");
  return Journal(path, fd, records.empty() ? 1 : records.back().sequence + 1);
}

const JournalRecord& Journal::append(JournalEvent event, std::string phase, std::string step,
                                     std::string detail) {
  if (!file_) fail(path_, "the journal was moved away");
  return append_to(*file_, event, std::move(phase), std::move(step), std::move(detail));
}

void Journal::on_append(std::function<void(const JournalRecord&)> observer) {
  if (file_) file_->observer = std::move(observer);
}

JournalAppender Journal::appender() const { return JournalAppender(file_); }

const JournalRecord& Journal::append_to(File& file, JournalEvent event, std::string phase,
                                        std::string step, std::string detail) {
  JournalRecord record;
  record.sequence = file.next_sequence;
  record.unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  record.event = event;
  record.phase = std::move(phase);
  record.step = std::move(step);
  record.detail = std::move(detail);
  // A journal removed under the run (its directory or the runs directory
  // deleted) would take every record written from now on with it: the
  // run's history would be lost and a new run could act again. Refused:
  // the run stops here, before anything else is done.
  struct stat status {};
  if (::fstat(file.fd, &status) == 0 && status.st_nlink == 0) {
    throw JournalError(fmt::format(
        "journal {} was removed while the run executed: nothing more is done, since what the "
        "run did can no longer be recorded (see what its last steps did on the hosts before "
        "starting it again)",
        file.path.string()));
  }
  const std::string line = format_record(record);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(file.fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(file.path, "cannot write");
    written += static_cast<std::size_t>(n);
  }
  if (::fdatasync(file.fd) != 0) fail(file.path, "cannot sync");
  ++file.next_sequence;
  file.last = std::move(record);
  if (file.observer) file.observer(file.last);
  return file.last;
}

bool JournalAppender::append(JournalEvent event, std::string phase, std::string step,
                             std::string detail) const {
  const auto file = file_.lock();
  if (!file) return false;
  Journal::append_to(*file, event, std::move(phase), std::move(step), std::move(detail));
  return true;
}

std::vector<JournalRecord> read_journal(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  std::vector<JournalRecord> records;
  std::size_t pos = 0;
  int line_number = 0;
  while (pos < text.size()) {
    ++line_number;
    const std::size_t end = text.find('\n', pos);
    const bool last = end == std::string::npos;
    const std::string_view line(text.data() + pos, (last ? text.size() : end) - pos);
    pos = last ? text.size() : end + 1;
    if (last) break;  // a line without its newline was cut short by a crash
    auto bad = [&](std::string_view why) {
      return JournalError(fmt::format("journal {}:{}: {}", path.string(), line_number, why),
                          records);
    };
    const auto tab = line.rfind('\t');
    std::uint64_t sum = 0;
    if (tab == std::string_view::npos) throw bad("not a journal record");
    auto [p, ec] = std::from_chars(line.data() + tab + 1, line.data() + line.size(), sum, 16);
    if (ec != std::errc() || p != line.data() + line.size() ||
        sum != checksum(line.substr(0, tab))) {
      throw bad("checksum mismatch: the record is damaged");
    }
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    const std::string_view body = line.substr(0, tab);
    for (;;) {
      const auto next = body.find('\t', start);
      fields.push_back(body.substr(
          start, next == std::string_view::npos ? std::string_view::npos : next - start));
      if (next == std::string_view::npos) break;
      start = next + 1;
    }
    if (fields.size() != 6) throw bad("expected 7 fields");
    JournalRecord record;
    auto event = journal_event_from(fields[2]);
    if (!to_number(fields[0], record.sequence) || !to_number(fields[1], record.unix_ms) || !event) {
      throw bad("unreadable sequence, time or event");
    }
    if (!records.empty() && record.sequence != records.back().sequence + 1)
      throw bad("sequence out of order");
    record.event = *event;
    record.phase = unescape_field(fields[3]);
    record.step = unescape_field(fields[4]);
    record.detail = unescape_field(fields[5]);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace greenlight::runbook
