#include "greenlight/core/rangeset.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "greenlight/core/python_digit.h"
#include "greenlight/core/python_space.h"
#include "run_list.h"

namespace greenlight {
namespace {

using greenlight::python_strip;

// The widest single range ClusterShell 1.9 builds, exclusive.
constexpr std::int64_t kMaxRangeSpan = 1000000000;

using detail::append_run;
using detail::run_less;

// Indexes past this are refused: they cannot be held in 64 bits with room
// for arithmetic, and no cluster has them.
constexpr std::int64_t kMaxIndex = 999'999'999'999'999'999LL;
constexpr std::int32_t kMaxWidth = 18;

std::int32_t natural_width(std::int64_t value) {
  if (value < 0) return 0;
  std::int32_t width = 1;
  while (value >= 10) {
    value /= 10;
    ++width;
  }
  return width;
}

std::int64_t power_of_ten(std::int32_t exponent) {
  std::int64_t result = 1;
  while (exponent-- > 0) result *= 10;
  return result;
}

// Like Python's int() on a plain decimal: surrounding blanks allowed.
// As Python's int() reads it (ClusterShell's reading of a step, and of an
// index it did not strip itself): "5\x1f" is no integer.
bool parse_integer(std::string_view text, std::int64_t& value) {
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

}  // namespace

std::size_t RangeSet::write_digits(char* buffer, std::int64_t value, std::int32_t width) {
  if (value < 0) {
    // Negative indexes are never padded.
    auto [end, ec] = std::to_chars(buffer, buffer + 24, value);
    return static_cast<std::size_t>(end - buffer);
  }
  // Digits from the right into a scratch buffer, then padded: the folded
  // form of a large sparse set writes a million of them.
  char digits_only[24];
  char* begin = digits_only + sizeof digits_only;
  auto rest = static_cast<std::uint64_t>(value);
  do {
    *--begin = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  const auto length = static_cast<std::size_t>(digits_only + sizeof digits_only - begin);
  const std::size_t pad = width > 0 && static_cast<std::size_t>(width) > length
                              ? static_cast<std::size_t>(width) - length
                              : 0;
  for (std::size_t i = 0; i < pad; ++i) buffer[i] = '0';
  for (std::size_t i = 0; i < length; ++i) buffer[pad + i] = begin[i];
  return pad + length;
}

std::string RangeSet::digits(std::int64_t value, std::int32_t width) {
  char buffer[32];
  return std::string(buffer, write_digits(buffer, value, width));
}

RangeSet RangeSet::single(std::string_view text) {
  std::int64_t value = 0;
  if (!parse_integer(text, value) || text.size() > kMaxWidth) {
    check_index_size(std::string(text), text);
    throw RangeSetParseError(std::string(text), "invalid rangeset index");
  }
  RangeSet set;
  set.runs_.push_back({static_cast<std::int32_t>(text.size()), value, value});
  return set;
}

bool RangeSet::add_digits(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > kMaxWidth) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  add_run({static_cast<std::int32_t>(text.size()), value, value});
  return true;
}

RangeSet RangeSet::of_runs(std::vector<Run> runs) {
  RangeSet set;
  set.runs_ = detail::sorted_runs(std::move(runs));
  return set;
}

void RangeSet::add_run(const Run& run) {
  if (runs_.empty() && pending_.empty()) {
    runs_.push_back(run);
  } else if (!runs_.empty() && !run_less(run, runs_.back())) {
    append_run(runs_, run);
  } else {
    pending_.push_back(run);
    // Merging when the side list is twice as long as the set keeps the cost
    // of each addition O(log n) amortised and memory within three times the
    // set; batches of at least 64k runs let the bitmap sort take them.
    if (pending_.size() >= std::max<std::size_t>(2 * runs_.size(), 65536)) settle();
  }
}

void RangeSet::settle() const {
  if (pending_.empty()) return;
  auto sorted = detail::sorted_runs(std::move(pending_));
  pending_.clear();
  runs_ = runs_.empty() ? std::move(sorted) : detail::run_union(runs_, sorted);
}

void RangeSet::add_range(std::int64_t first, std::int64_t last, std::int64_t step,
                         std::int32_t pad) {
  std::vector<Run> added;
  if (step == 1 && first < 0) {
    added.push_back({0, first, std::min<std::int64_t>(last, -1)});
    first = 0;
  }
  if (step == 1 && last < first) {
    // only negative values
  } else if (step == 1) {
    // Values narrower than `pad` all take `pad` characters; wider ones keep
    // their own width.
    std::int64_t value = first;
    while (value <= last) {
      const std::int32_t width = std::max(pad, natural_width(value));
      const std::int64_t width_end = width >= kMaxWidth + 1 ? kMaxIndex : power_of_ten(width) - 1;
      const std::int64_t end = std::min(last, width_end);
      added.push_back({width, value, end});
      if (end == last) break;
      value = end + 1;
    }
  } else {
    for (std::int64_t value = first; value <= last; value += step) {
      added.push_back({value < 0 ? 0 : std::max(pad, natural_width(value)), value, value});
      if (last - value < step) break;
    }
  }
  for (const auto& run : added) add_run(run);
}

RangeSet RangeSet::parse(std::string_view text) {
  // ClusterShell's int() reads "\u0661-\u0663" as 1-3; refused here, as
  // the node set parser refuses such a digit (python_digit.h).
  if (const auto digit = find_non_ascii_digit(text)) {
    throw RangeSetParseError(std::string(text),
                             describe(*digit, text) + ": indexes take the ASCII digits 0-9");
  }
  RangeSet set;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view raw =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const std::string_view subrange = python_strip(raw);
    const std::string part(subrange);
    std::string_view base = subrange;
    std::int64_t step = 1;
    if (const auto slash = subrange.find('/'); slash != std::string_view::npos) {
      base = subrange.substr(0, slash);
      if (!parse_integer(subrange.substr(slash + 1), step)) {
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
    if (!parse_integer(begin, first) || !parse_integer(end, last)) {
      check_index_size(part, begin);
      check_index_size(part, end);
      throw RangeSetParseError(
          part, subrange.empty() ? "empty range" : "cannot convert string to integer");
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
    set.add_range(first, last, step, pad);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return set;
}

std::size_t RangeSet::size() const {
  std::size_t count = 0;
  for (const auto& run : runs()) count += static_cast<std::size_t>(run.last - run.first + 1);
  return count;
}

RangeSet RangeSet::slice(std::size_t begin, std::size_t end) const {
  RangeSet out;
  std::size_t position = 0;
  for (const auto& run : runs()) {
    const auto count = static_cast<std::size_t>(run.last - run.first + 1);
    if (position >= end) break;
    if (position + count > begin) {
      const auto low = static_cast<std::int64_t>(std::max(begin, position) - position);
      const auto high = static_cast<std::int64_t>(std::min(end, position + count) - position);
      out.runs_.push_back({run.width, run.first + low, run.first + high - 1});
    }
    position += count;
  }
  return out;
}

std::vector<std::string> RangeSet::expand() const {
  std::vector<std::string> out;
  out.reserve(size());
  for_each([&](std::string_view element) { out.emplace_back(element); });
  return out;
}

bool RangeSet::contains(std::string_view text) const {
  std::int64_t value = 0;
  const bool negative = !text.empty() && text.front() == '-';
  const std::string_view digits_part = negative ? text.substr(1) : text;
  if (!parse_integer(digits_part, value) || python_strip(digits_part).size() != digits_part.size())
    return false;
  if (negative) value = -value;
  const Run probe{negative ? 0 : static_cast<std::int32_t>(text.size()), value, value};
  const auto& runs = this->runs();
  auto it = std::upper_bound(runs.begin(), runs.end(), probe, run_less);
  if (it == runs.begin()) return false;
  --it;
  return it->width == probe.width && it->first <= value && value <= it->last;
}

bool RangeSet::is_subset_of(const RangeSet& other) const {
  return detail::run_difference(runs(), other.runs()).empty();
}

bool RangeSet::intersects(const RangeSet& other) const {
  return detail::runs_intersect(runs(), other.runs());
}

void RangeSet::update(const RangeSet& other) {
  const auto& theirs = other.runs();
  if (theirs.empty()) return;
  if (&other == this) return;
  // A few runs join the side list; a set as large as this one is merged.
  if (theirs.size() * 8 < runs_.size()) {
    for (const auto& run : theirs) add_run(run);
    return;
  }
  settle();
  if (runs_.empty() || !run_less(theirs.front(), runs_.back())) {
    for (const auto& run : theirs) append_run(runs_, run);
    return;
  }
  runs_ = detail::run_union(runs_, theirs);
}

void RangeSet::difference_update(const RangeSet& other) {
  runs_ = detail::run_difference(runs(), other.runs());
}

void RangeSet::intersection_update(const RangeSet& other) {
  runs_ = detail::run_intersection(runs(), other.runs());
}

void RangeSet::symmetric_difference_update(const RangeSet& other) {
  const auto& mine = runs();
  const auto& theirs = other.runs();
  runs_ =
      detail::run_union(detail::run_difference(mine, theirs), detail::run_difference(theirs, mine));
}

}  // namespace greenlight
