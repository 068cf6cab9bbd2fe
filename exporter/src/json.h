// JSON text pieces for the /api/v1 bodies (no JSON library in the project).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight::exporter::detail {

/// `text` as a quoted JSON string.
std::string json_string(std::string_view text);
/// Unix time in seconds with milliseconds, or null.
std::string json_time(const std::optional<std::chrono::system_clock::time_point>& t);
double unix_seconds(std::chrono::system_clock::time_point t);

}  // namespace greenlight::exporter::detail
