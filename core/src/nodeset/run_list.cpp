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

// Single indexes of one width spread over a range at most 64 times their
// number (node1..nodeN in any order, a random tenth of them): a bitmap of
// the range (at most 8 bytes per index) sorts them in O(n + range), several
// times faster than a comparison sort. Returns false, touching nothing, when `runs` are not of that kind.
bool bitmap_sorted(const RunList& runs, RunList& out) {
  constexpr std::size_t kWidths = 20;
  std::int64_t low[kWidths], high[kWidths];
  std::size_t count[kWidths] = {};
  for (const auto& run : runs) {
    if (run.first != run.last || run.first < 0 || run.width < 0 ||
        static_cast<std::size_t>(run.width) >= kWidths)
      return false;
    const auto w = static_cast<std::size_t>(run.width);
    if (count[w]++ == 0) low[w] = high[w] = run.first;
    low[w] = std::min(low[w], run.first);
    high[w] = std::max(high[w], run.first);
  }
  for (std::size_t w = 0; w < kWidths; ++w) {
    if (count[w] > 0 && static_cast<std::uint64_t>(high[w] - low[w]) / 64 > count[w]) return false;
  }
  for (std::size_t w = 0; w < kWidths; ++w) {
    if (count[w] == 0) continue;
    const auto span = static_cast<std::size_t>(high[w] - low[w]) + 1;
    std::vector<std::uint64_t> bits((span + 63) / 64, 0);
    for (const auto& run : runs) {
      if (static_cast<std::size_t>(run.width) != w) continue;
      const auto at = static_cast<std::size_t>(run.first - low[w]);
      bits[at / 64] |= std::uint64_t{1} << (at % 64);
    }
    for (std::size_t at = 0; at < span;) {
      const std::uint64_t word = bits[at / 64] >> (at % 64);
      if (word == 0) {
        at = (at / 64 + 1) * 64;
        continue;
      }
      at += static_cast<std::size_t>(__builtin_ctzll(word));
      std::size_t end = at;
      while (end < span && (bits[end / 64] >> (end % 64) & 1) != 0) ++end;
      out.push_back({static_cast<std::int32_t>(w), low[w] + static_cast<std::int64_t>(at),
                     low[w] + static_cast<std::int64_t>(end) - 1});
      at = end;
    }
  }
  return true;
}

}  // namespace

RunList sorted_runs(RunList runs) {
  RunList out;
  out.reserve(runs.size());
  if (bitmap_sorted(runs, out)) return out;
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
