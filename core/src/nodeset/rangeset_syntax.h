// Reading the text of a range set as ClusterShell 1.9 reads it: indexes
// as Python's int() reads them, one range's dashes, step and padding.
// Pure functions; RangeSet::parse, single() and contains() are built on
// them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "greenlight/core/rangeset.h"

namespace greenlight::detail {

/// Indexes past this are refused: they cannot be held in 64 bits with room
/// for arithmetic, and no cluster has them.
inline constexpr std::int64_t kMaxIndex = 999'999'999'999'999'999LL;
/// The most digits of an index, its leading zeros included.
inline constexpr std::int32_t kMaxWidth = 18;

/// Reads `text` as Python's int() reads a plain decimal (blanks around it
/// allowed) of at most kMaxWidth digits; false when it is none.
bool read_integer(std::string_view text, std::int64_t& value);

/// `text` without its leading zeros.
std::string_view lstrip_zeros(std::string_view text);

/// Throws RangeSetIndexError naming `part` when `text` is a number with
/// too many digits for an index; returns otherwise.
void check_index_size(const std::string& part, std::string_view text);

/// One range as add_range() takes it.
struct RangeTerm {
  std::int64_t first;
  std::int64_t last;
  std::int64_t step;
  std::int32_t pad;
};

/// One range of a range set's text, between its commas ("a-b/step", "-a",
/// "x-a-b", "x-a-y-b", "a"): ClusterShell's reading and its checks (padding,
/// steps, values, a span under 1e9). Throws RangeSetParseError.
RangeTerm read_range(std::string_view raw);

}  // namespace greenlight::detail
