// Small text helpers shared by the parsers (private to checks).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace greenlight::checks::detail {

/// `text` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view text);

/// Strict decimal parse of the whole trimmed text; nullopt otherwise
/// (empty, sign where not allowed, trailing junk, overflow).
std::optional<std::int64_t> to_int(std::string_view text);
std::optional<std::uint64_t> to_uint(std::string_view text);

}  // namespace greenlight::checks::detail
