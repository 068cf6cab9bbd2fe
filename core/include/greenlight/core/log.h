// The log of `greenlight serve`: one line per event on standard error, with
// a level, where systemd's journal (or whatever collects serve's stderr)
// picks it up. The one owner of logging in greenlight; spdlog underneath.
//
// Line format on a terminal or a file:
//   2026-12-01T05:01:02.345Z info check heal: OK -> WARNING: 24 entries pending ...
// (UTC time with milliseconds, level, message). When stderr is the journal
// (systemd sets $JOURNAL_STREAM to stderr's device:inode), the time is left to
// journald and the line starts with the syslog priority journald reads:
//   <4>warning check heal: OK -> WARNING: ...
// Levels: debug, info, warning, error. Messages never carry secrets: callers
// log names, verdicts, journal records and refusals, never a command's
// environment or an authentication file's content.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight::log {

enum class Level { kDebug, kInfo, kWarning, kError };

/// "debug", "info", "warning", "error".
const char* to_string(Level level);
/// The level named `name` (as to_string writes it); nullopt otherwise.
std::optional<Level> level_from(std::string_view name);

/// Lines below `level` are dropped. Default: info. Thread-safe.
void set_level(Level level);
Level level();

/// Writes one line (newlines in `message` are written as "\n", so that an
/// event stays one line). Thread-safe; the line is flushed at once.
void write(Level level, std::string_view message);

/// Whether a line at `wanted` is written now.
inline bool enabled(Level wanted) { return wanted >= level(); }

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kDebug)) write(Level::kDebug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kInfo)) write(Level::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kWarning))
    write(Level::kWarning, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::kError)) write(Level::kError, fmt::format(format, std::forward<Args>(args)...));
}

/// For tests: while it lives, every line written at or above the level in
/// force is also passed to `seen` (on the writing thread), before it goes
/// to stderr. One at a time.
class Capture {
 public:
  explicit Capture(std::function<void(Level, const std::string&)> seen);
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
};

}  // namespace greenlight::log
