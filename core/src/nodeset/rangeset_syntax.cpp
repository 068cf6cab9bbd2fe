// The text of a range set as ClusterShell 1.9 reads it: indexes as
// Python's int() reads them, and each range's dashes, step and padding.
#include "rangeset_syntax.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "greenlight/core/python_space.h"

namespace greenlight::detail {
namespace {

// The widest single range ClusterShell 1.9 builds, exclusive.
constexpr std::int64_t kMaxRangeSpan = 1000000000;

}  // namespace

// Like Python's int() on a plain decimal: surrounding blanks allowed.
// As Python's int() reads it (ClusterShell's reading of a step, and of an
// index it did not strip itself): "5\x1f" is no integer.
bool read_integer(std::string_view text, std::int64_t& value) {
  text = python_int_strip(text);
  if (text.empty() || text.size() > kMaxWidth) return false;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string_view lstrip_zeros(std::string_view text) {
  while (!text.empty() && text.front() == '0') text.remove_prefix(1);
  return text;
}

// A number beyond the largest index is named as such, rather than as a word
// that is no integer.
void check_index_size(const std::string& part, std::string_view text) {
  text = python_strip(text);
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return;
  if (lstrip_zeros(text).size() > static_cast<std::size_t>(kMaxWidth)) {
    throw RangeSetIndexError(
        part, std::string(text),
        fmt::format("{} is too large for a node index (at most {})", text, kMaxIndex));
  }
  if (text.size() > static_cast<std::size_t>(kMaxWidth)) {
    throw RangeSetIndexError(part, std::string(text),
                             fmt::format("{} is {} digits long: a node index, its leading zeros "
                                         "included, has at most {}",
                                         text, text.size(), kMaxWidth));
  }
}

RangeTerm read_range(std::string_view raw) {
  const std::string_view subrange = python_strip(raw);
  const std::string part(subrange);
  std::string_view base = subrange;
  std::int64_t step = 1;
  if (const auto slash = subrange.find('/'); slash != std::string_view::npos) {
    base = subrange.substr(0, slash);
    if (!read_integer(subrange.substr(slash + 1), step)) {
      throw RangeSetParseError(part, "cannot convert string to integer");
    }
  }
  std::string_view begin = base;
  std::string_view end = base;
  int begin_sign = 1;
  int end_sign = 1;
  if (base.find('-') == std::string_view::npos) {
    if (step != 1) throw RangeSetParseError(part, "invalid step usage");
  } else {
    // ClusterShell's reading of dashes: "a-b", "-a" (one negative index),
    // "x-a-b" (a negative start), "x-a-y-b" (both negative).
    std::vector<std::string_view> pieces;
    std::size_t from = 0;
    for (;;) {
      const auto dash = base.find('-', from);
      pieces.push_back(python_strip(base.substr(
          from, dash == std::string_view::npos ? std::string_view::npos : dash - from)));
      if (dash == std::string_view::npos) break;
      from = dash + 1;
    }
    if (pieces.size() == 2) {
      begin = pieces[0];
      end = pieces[1];
      if (begin.empty()) {
        begin = end;
        begin_sign = end_sign = -1;
      }
    } else if (pieces.size() == 3) {
      begin = pieces[1];
      end = pieces[2];
      begin_sign = -1;
    } else if (pieces.size() == 4) {
      begin = pieces[1];
      end = pieces[3];
      begin_sign = end_sign = -1;
    } else {
      throw RangeSetParseError(part, "too many dashes");
    }
  }
  std::int64_t first = 0;
  std::int64_t last = 0;
  if (!read_integer(begin, first) || !read_integer(end, last)) {
    check_index_size(part, begin);
    check_index_size(part, end);
    throw RangeSetParseError(part,
                             subrange.empty() ? "empty range" : "cannot convert string to integer");
  }
  std::int32_t pad = 0;
  if (first != 0) {
    if (lstrip_zeros(begin).size() < begin.size()) pad = static_cast<std::int32_t>(begin.size());
  } else if (begin.size() > 1) {
    pad = static_cast<std::int32_t>(begin.size());
  }
  const std::string_view ends = last != 0 ? lstrip_zeros(end) : end;
  const bool end_padded = ends.size() < end.size();
  if ((pad > 0 || end_padded) && begin.size() != end.size()) {
    throw RangeSetParseError(part, "padding length mismatch");
  }
  if (pad > 0 && begin_sign < 0)
    throw RangeSetParseError(part, "padding not supported in negative ranges");
  first *= begin_sign;
  last *= end_sign;
  if (first > last || step < 1 || last > kMaxIndex) {
    throw RangeSetParseError(part, "invalid values in range");
  }
  // ClusterShell's RangeSet.add_range(): stop - start < 1e9, stop being
  // last + 1 (a range it refuses has no meaning to share with it).
  if (last - first + 1 >= kMaxRangeSpan) throw RangeSetParseError(part, "range too large");
  return {first, last, step, pad};
}

}  // namespace greenlight::detail
