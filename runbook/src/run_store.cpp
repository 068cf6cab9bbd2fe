#include "greenlight/runbook/run_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <regex>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace greenlight::runbook {

std::string RunStore::runbook_of(const std::string& run) {
  static const std::regex kStamp(R"(-\d{8}-\d{6}(-\d+)?$)");
  std::smatch stamp;
  if (!std::regex_search(run, stamp, kStamp)) return {};
  return run.substr(0, static_cast<std::size_t>(stamp.position(0)));
}

std::string RunStore::create(const std::string& runbook) const {
  std::filesystem::create_directories(root_);
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  const std::string base = fmt::format("{}-{}", runbook, stamp);
  for (int n = 1;; ++n) {
    const std::string name = n == 1 ? base : fmt::format("{}-{}", base, n);
    // create_directory is false when it exists: two runs never share one.
    if (std::filesystem::create_directory(root_ / name)) return name;
  }
}

std::vector<std::string> RunStore::list() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "journal"))
      names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool RunStore::exists(const std::string& run) const {
  return !run.empty() && run.find('/') == std::string::npos && run != "." && run != ".." &&
         std::filesystem::exists(journal(run));
}

std::vector<JournalRecord> RunStore::records(const std::string& run) const {
  auto records = read_journal(journal(run));
  if (records.empty() && RunLock::holder(directory(run)) == 0) {
    throw JournalError(fmt::format(
        "journal {}: holds no record: the run was created but its start never reached the disk "
        "(greenlight runbook abort {} closes it)",
        journal(run).string(), run));
  }
  return records;
}

std::filesystem::path RunStore::journal(const std::string& run) const {
  return root_ / run / "journal";
}

RunLock RunLock::acquire(const std::filesystem::path& run_directory) {
  // The directory is the lock: removing RUN/lock (a "stale lock" cleaned
  // up by hand) must not let a second process execute the run.
  const int directory_fd = ::open(run_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) {
    throw std::runtime_error(
        fmt::format("cannot open {}: {}", run_directory.string(), std::strerror(errno)));
  }
  if (::flock(directory_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(directory_fd);
    const int pid = holder(run_directory);
    throw std::runtime_error(pid > 0 ? fmt::format("the run is being executed by process {}", pid)
                                     : "the run is being executed by another process (its id "
                                       "is not in its lock file any more)");
  }
  const auto path = run_directory / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    const int error = errno;
    ::close(directory_fd);
    throw std::runtime_error(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(error)));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is informative only; the lock itself is held.
  }
  return RunLock(directory_fd, fd);
}

int RunLock::holder(const std::filesystem::path& run_directory) {
  const int directory_fd = ::open(run_directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return 0;
  int pid = 0;
  if (::flock(directory_fd, LOCK_SH | LOCK_NB) != 0) {
    std::ifstream in(run_directory / "lock");
    in >> pid;
    if (pid <= 0) pid = -1;
  } else {
    ::flock(directory_fd, LOCK_UN);
  }
  ::close(directory_fd);
  return pid;
}

RunLock::RunLock(RunLock&& other) noexcept
    : directory_fd_(std::exchange(other.directory_fd_, -1)), fd_(std::exchange(other.fd_, -1)) {}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
  if (directory_fd_ >= 0) ::close(directory_fd_);
}

}  // namespace greenlight::runbook
