// How range sets are written: ClusterShell's RangeSet._slices_padding, the
// one rule behind str(), contiguous() and autostep ("1,3,5,7" -> "1-7/2"
// once at least `autostep` indexes share a step). Free functions over a
// run list (run_list.h); they keep no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run_list.h"

namespace greenlight::detail {

/// Elements start, start + step, ... below stop, written `pad` characters
/// wide when padded (0: not).
struct Slice {
  std::int64_t start;
  std::int64_t stop;  // one past the last element, as Python's slice
  std::int64_t step;
  std::int32_t pad;
};

/// Appends the folded form of `runs` to `out`, as str(RangeSet) with
/// `autostep` (nullopt: off).
void fold_runs(std::string& out, const RunList& runs, std::optional<std::int64_t> autostep);

/// The slices of contiguous() of a RangeSet over `runs` whose own autostep
/// is `autostep`: its last slice may be stepped, as in ClusterShell.
std::vector<Slice> contiguous_slices(const RunList& runs, std::optional<std::int64_t> autostep);

}  // namespace greenlight::detail
