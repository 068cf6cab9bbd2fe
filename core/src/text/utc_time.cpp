#include "greenlight/core/utc_time.h"

#include <fmt/format.h>

#include <ctime>

namespace greenlight {

std::string utc_time(std::int64_t unix_ms, bool milliseconds) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return milliseconds ? fmt::format("{}.{:03}Z", text, unix_ms % 1000) : std::string(text) + "Z";
}

}  // namespace greenlight
