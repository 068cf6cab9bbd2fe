#include "greenlight/core/rangeset.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "greenlight/core/python_digit.h"
#include "greenlight/core/python_space.h"
#include "rangeset_slices.h"
#include "rangeset_syntax.h"
#include "run_list.h"

namespace greenlight {
namespace {

using detail::append_run;
using detail::kMaxIndex;
using detail::kMaxWidth;
using detail::run_less;

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
  if (!detail::read_integer(text, value) || text.size() > kMaxWidth) {
    detail::check_index_size(std::string(text), text);
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
    const auto range = detail::read_range(
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    set.add_range(range.first, range.last, range.step, range.pad);
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

std::string RangeSet::fold() const { return fold(std::nullopt); }

std::string RangeSet::fold(std::optional<std::int64_t> autostep) const {
  std::string out;
  fold_to(out, autostep);
  return out;
}

void RangeSet::fold_to(std::string& out, std::optional<std::int64_t> autostep) const {
  detail::fold_runs(out, runs(), autostep);
}

std::vector<RangeSet> RangeSet::contiguous() const { return contiguous(std::nullopt); }

std::vector<RangeSet> RangeSet::contiguous(std::optional<std::int64_t> autostep) const {
  std::vector<RangeSet> out;
  for (const auto& slice : detail::contiguous_slices(runs(), autostep)) {
    RangeSet set;
    set.add_range(slice.start, slice.stop - 1, slice.step, slice.pad);
    out.push_back(std::move(set));
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
  if (!detail::read_integer(digits_part, value) ||
      python_strip(digits_part).size() != digits_part.size())
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
