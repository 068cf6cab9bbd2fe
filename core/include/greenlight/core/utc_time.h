// Instants as greenlight prints them: RFC 3339, UTC.
#pragma once

#include <cstdint>
#include <string>

namespace greenlight {

/// `unix_ms` (milliseconds since the epoch) as "2026-12-01T10:59:42Z", or
/// with `milliseconds` "2026-12-01T10:59:42.123Z". Pure; any thread.
std::string utc_time(std::int64_t unix_ms, bool milliseconds = false);

}  // namespace greenlight
