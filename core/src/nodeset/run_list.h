// Sorted lists of RangeSet runs and the set algebra over them. A run list is
// sorted by (width, first), its runs disjoint and, within one width, never
// adjacent (touching runs are merged). Every function here keeps that shape.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "greenlight/core/rangeset.h"

namespace greenlight::detail {

using Run = RangeSet::Run;
using RunList = std::vector<Run>;

/// Orders runs as ClusterShell orders elements: by width, then value.
inline bool run_less(const Run& a, const Run& b) {
  return a.width != b.width ? a.width < b.width : a.first < b.first;
}

/// Appends `run` to `runs`, merging it with the last run when they touch or
/// overlap. `run` must not sort before the last run.
void append_run(RunList& runs, const Run& run);

/// `runs` in any order, possibly overlapping, made into a run list:
/// O(n log n); O(n) when they already are one or are single indexes
/// spread over at most 64 times their number.
RunList sorted_runs(RunList runs);

/// The place of the non-negative element `value` written at `width`
/// characters (1..18) in the order of elements, as one integer: keys
/// compare as their elements do, and consecutive elements of one width have
/// consecutive keys ("9" 9, "00" 10, "10" 20, "99" 109, "000" 110).
inline std::uint64_t order_key(std::int32_t width, std::int64_t value) {
  // The first key of each width: the sum of 10^1 .. 10^(width-1).
  static constexpr auto kFirstKey = [] {
    std::array<std::uint64_t, 19> first{};
    std::uint64_t power = 1;
    for (std::size_t w = 2; w < first.size(); ++w) {
      power *= 10;
      first[w] = first[w - 1] + power;
    }
    return first;
  }();
  return kFirstKey[static_cast<std::size_t>(width)] + static_cast<std::uint64_t>(value);
}
/// The run list of the elements whose order_key()s are `keys`, in any
/// order, repeated or not; `keys` may be reordered. O(n + range / 64) for
/// keys spread over at most 64 times their number, O(n log n) otherwise.
RunList runs_of_keys(std::vector<std::uint64_t>& keys);

/// a ∪ b, a \ b, a ∩ b over run lists. Union is O(|a| + |b|); difference
/// and intersection cost O(k log m) when one side (k runs) is much smaller
/// than the other (m runs), so that one node against a million costs a
/// binary search, not a scan.
RunList run_union(const RunList& a, const RunList& b);
RunList run_difference(const RunList& a, const RunList& b);
RunList run_intersection(const RunList& a, const RunList& b);
/// Whether a ∩ b is not empty, with the same costs as run_intersection.
bool runs_intersect(const RunList& a, const RunList& b);

}  // namespace greenlight::detail
