#include "run_list.h"

#include <algorithm>
#include <cstdint>

namespace greenlight::detail {
namespace {

// The first run of `runs` at or after `from` that does not end before
// (width, value): a binary search, since runs of one width are sorted by
// first and by last alike.
RunList::const_iterator first_reaching(RunList::const_iterator from, RunList::const_iterator end,
                                       std::int32_t width, std::int64_t value) {
  return std::partition_point(from, end, [&](const Run& run) {
    return run.width < width || (run.width == width && run.last < value);
  });
}

}  // namespace

void append_run(RunList& runs, const Run& run) {
  if (!runs.empty()) {
    auto& last = runs.back();
    if (last.width == run.width && run.first <= last.last + 1) {
      last.last = std::max(last.last, run.last);
      return;
    }
  }
  runs.push_back(run);
}

namespace {

// Appends the elements of consecutive keys [low, high], one run per width.
// `width` is where the last span ended (spans come in increasing order).
struct KeyWidth {
  std::int32_t width = 1;
  std::uint64_t begin = 0, size = 10;  // the keys of `width`: [begin, begin + size)
  void next() {
    begin += size;
    size *= 10;
    ++width;
  }
};

void append_key_span(RunList& out, KeyWidth& at, std::uint64_t low, std::uint64_t high) {
  while (low >= at.begin + at.size) at.next();
  for (;;) {
    const std::uint64_t end = std::min(high, at.begin + at.size - 1);
    out.push_back({at.width, static_cast<std::int64_t>(low - at.begin),
                   static_cast<std::int64_t>(end - at.begin)});
    if (end == high) return;
    at.next();
    low = at.begin;
  }
}

// Keys spread over a range at most 64 times their number (node1..nodeN in
// any order, a random tenth of them): a bitmap of the range (at most 8 bytes
// per key) sorts them in O(n + range / 64), several times faster than a
// comparison sort, and drops repeated keys on the way.
void bitmap_runs(const std::vector<std::uint64_t>& keys, std::uint64_t low, std::uint64_t high,
                 RunList& out) {
  const std::uint64_t span = high - low + 1;
  std::vector<std::uint64_t> bits(static_cast<std::size_t>((span + 63) / 64), 0);
  for (const std::uint64_t key : keys) bits[(key - low) / 64] |= std::uint64_t{1} << ((key - low) % 64);
  // The first position at or after `at` whose bit is `set`, or span.
  const auto next = [&](std::uint64_t at, bool set) {
    while (at < span) {
      const std::uint64_t word = (set ? bits[at / 64] : ~bits[at / 64]) >> (at % 64);
      if (word != 0) return std::min(span, at + static_cast<std::uint64_t>(__builtin_ctzll(word)));
      at = (at / 64 + 1) * 64;
    }
    return span;
  };
  KeyWidth width;
  for (std::uint64_t first = next(0, true); first < span;) {
    const std::uint64_t end = next(first, false);
    append_key_span(out, width, low + first, low + end - 1);
    first = next(end, true);
  }
}

}  // namespace

RunList runs_of_keys(std::vector<std::uint64_t>& keys) {
  RunList out;
  if (keys.empty()) return out;
  out.reserve(keys.size());  // pages are touched only as runs are written
  const auto [low, high] = std::minmax_element(keys.begin(), keys.end());
  if ((*high - *low) / 64 <= keys.size()) {
    bitmap_runs(keys, *low, *high, out);
  } else {
    std::sort(keys.begin(), keys.end());
    KeyWidth width;
    std::size_t i = 0;
    while (i < keys.size()) {
      std::size_t j = i;
      while (j + 1 < keys.size() && keys[j + 1] <= keys[j] + 1) ++j;
      append_key_span(out, width, keys[i], keys[j]);
      i = j + 1;
    }
  }
  if (out.size() < out.capacity() / 4) out.shrink_to_fit();
  return out;
}

RunList sorted_runs(RunList runs) {
  const bool sorted = std::adjacent_find(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
                        return !run_less(a, b) || (a.width == b.width && b.first <= a.last + 1);
                      }) == runs.end();
  if (sorted) return runs;
  // Single non-negative indexes (names one at a time) sort as keys.
  const bool singles = std::all_of(runs.begin(), runs.end(), [](const Run& run) {
    return run.first == run.last && run.first >= 0 && run.width > 0;
  });
  if (singles) {
    std::vector<std::uint64_t> keys;
    keys.reserve(runs.size());
    for (const auto& run : runs) keys.push_back(order_key(run.width, run.first));
    return runs_of_keys(keys);
  }
  RunList out;
  out.reserve(runs.size());
  // A lambda, not a function pointer, so that the comparison is inlined.
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return run_less(a, b); });
  for (const auto& run : runs) append_run(out, run);
  return out;
}

RunList run_union(const RunList& a, const RunList& b) {
  RunList out;
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j >= b.size() || (i < a.size() && run_less(a[i], b[j]))) {
      append_run(out, a[i++]);
    } else {
      append_run(out, b[j++]);
    }
  }
  return out;
}

RunList run_difference(const RunList& a, const RunList& b) {
  RunList out;
  auto j = b.begin();
  for (const auto& run : a) {
    j = first_reaching(j, b.end(), run.width, run.first);
    std::int64_t first = run.first;
    bool alive = true;
    for (auto k = j; alive && k != b.end() && k->width == run.width && k->first <= run.last; ++k) {
      if (k->first > first) out.push_back({run.width, first, k->first - 1});
      if (k->last >= run.last) {
        alive = false;
      } else {
        first = std::max(first, k->last + 1);
      }
    }
    if (alive) out.push_back({run.width, first, run.last});
  }
  return out;
}

RunList run_intersection(const RunList& a, const RunList& b) {
  // Walk the shorter list, searching the longer one.
  const RunList& small = a.size() <= b.size() ? a : b;
  const RunList& large = a.size() <= b.size() ? b : a;
  RunList out;
  auto j = large.begin();
  for (const auto& run : small) {
    j = first_reaching(j, large.end(), run.width, run.first);
    for (auto k = j; k != large.end() && k->width == run.width && k->first <= run.last; ++k) {
      out.push_back({run.width, std::max(run.first, k->first), std::min(run.last, k->last)});
    }
  }
  return out;
}

bool runs_intersect(const RunList& a, const RunList& b) {
  const RunList& small = a.size() <= b.size() ? a : b;
  const RunList& large = a.size() <= b.size() ? b : a;
  auto j = large.begin();
  for (const auto& run : small) {
    j = first_reaching(j, large.end(), run.width, run.first);
    if (j != large.end() && j->width == run.width && j->first <= run.last) return true;
  }
  return false;
}

}  // namespace greenlight::detail
