#include "greenlight/core/log.h"

#include "greenlight/core/one_line.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace greenlight::log {
namespace {

spdlog::level::level_enum spdlog_level(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarning:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// A line's level as its word and as the syslog priority journald reads at
// the start of a line ("<4>"): spdlog's own names ("critical", "trace")
// are not greenlight's levels.
struct LevelWords {
  char priority;
  const char* name;
};

LevelWords words_of(spdlog::level::level_enum level) {
  if (level <= spdlog::level::debug) return {'7', "debug"};
  if (level == spdlog::level::info) return {'6', "info"};
  if (level == spdlog::level::warn) return {'4', "warning"};
  return {'3', "error"};
}

class SyslogPriority : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char text[] = {'<', words_of(msg.level).priority, '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriority>();
  }
};

class LevelName : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char* name = words_of(msg.level).name;
    dest.append(name, name + std::char_traits<char>::length(name));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelName>();
  }
};

// systemd sets JOURNAL_STREAM=DEVICE:INODE for a service whose stderr is
// connected to the journal (systemd.exec(5)).
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  return fmt::format("{}:{}", st.st_dev, st.st_ino) == stream;
}

std::atomic<Level> current{Level::kInfo};
std::mutex capture_mutex;
std::function<void(Level, const std::string&)> captured;  // under capture_mutex

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("greenlight", sink);
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<SyslogPriority>('*').add_flag<LevelName>('L');
    formatter->set_pattern(stderr_is_journal() ? "%*%L %v" : "%Y-%m-%dT%H:%M:%S.%eZ %L %v");
    made->set_formatter(std::move(formatter));
    made->set_level(spdlog::level::trace);  // filtered here, by `current`
    made->flush_on(spdlog::level::trace);
    return made;
  }();
  return *instance;
}

}  // namespace

const char* to_string(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::optional<Level> level_from(std::string_view name) {
  for (const Level level : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (name == to_string(level)) return level;
  }
  return std::nullopt;
}

void set_level(Level level) { current = level; }

Level level() { return current; }

void write(Level level, std::string_view message) {
  if (!enabled(level)) return;
  const std::string line = one_line(message);
  {
    std::lock_guard<std::mutex> lock(capture_mutex);
    if (captured) captured(level, line);
  }
  logger().log(spdlog_level(level), "{}", line);
}

Capture::Capture(std::function<void(Level, const std::string&)> seen) {
  std::lock_guard<std::mutex> lock(capture_mutex);
  captured = std::move(seen);
}

Capture::~Capture() {
  std::lock_guard<std::mutex> lock(capture_mutex);
  captured = nullptr;
}

}  // namespace greenlight::log
