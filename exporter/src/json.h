// JSON text pieces for the /api/v1 bodies.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "greenlight/core/json.h"

namespace greenlight::exporter::detail {

using greenlight::json_string;
/// Unix time in seconds with milliseconds, or null.
std::string json_time(const std::optional<std::chrono::system_clock::time_point>& t);
double unix_seconds(std::chrono::system_clock::time_point t);

}  // namespace greenlight::exporter::detail
