// The folding of multi-dimensional range sets as ClusterShell 1.9's
// RangeSetND._fold does it. Free functions over a list of vectors (one
// RangeSet per axis, every vector of the same dimension); they keep no
// state. RangeSetND (rangeset_nd.h) calls them when it is read.
#pragma once

#include <vector>

#include "rangeset_nd.h"

namespace greenlight::detail {

/// When a single axis varies between `vectors` (or there is one axis),
/// merges them into one vector along it and returns true; otherwise
/// returns false, leaving them as they are.
bool merge_along_one_axis(std::vector<RangeVector>& vectors);

/// Folds `vectors` in ClusterShell's multivariate way: one vector per
/// distinct element, sorted, then merged pairwise until nothing changes.
/// The resulting order is the order `nodeset -e` prints.
void fold_vectors(std::vector<RangeVector>& vectors);

}  // namespace greenlight::detail
