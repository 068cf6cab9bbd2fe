// Sorted lists of RangeSet runs and the set algebra over them. A run list is
// sorted by (width, first), its runs disjoint and, within one width, never
// adjacent (touching runs are merged). Every function here keeps that shape.
#pragma once

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
/// O(n log n).
RunList sorted_runs(RunList runs);

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
