// The folding of multi-dimensional range sets, step by step as
// ClusterShell 1.9's RangeSetND folds (univariate merge when a single axis
// varies, otherwise expansion into single vectors, sort, then pairwise
// merge passes): the order of the resulting vectors is what `nodeset -e`
// prints, so it has to match.
#include "rangeset_nd_fold.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace greenlight::detail {
namespace {

// -1, 0 or 1 as the digit strings of (value, width) compare as strings.
int compare_digits(std::int64_t a, std::int32_t a_width, std::int64_t b, std::int32_t b_width) {
  if (a_width > 0 && b_width > 0 && a >= 0 && b >= 0 && a_width <= 18 && b_width <= 18) {
    // Both strings are exactly their width long: compare the shorter with
    // the same-length prefix of the longer, then the shorter comes first.
    static constexpr std::int64_t kPowers[] = {1,
                                               10,
                                               100,
                                               1000,
                                               10000,
                                               100000,
                                               1000000,
                                               10000000,
                                               100000000,
                                               1000000000,
                                               10000000000,
                                               100000000000,
                                               1000000000000,
                                               10000000000000,
                                               100000000000000,
                                               1000000000000000,
                                               10000000000000000,
                                               100000000000000000,
                                               1000000000000000000};
    if (a_width == b_width) return a < b ? -1 : (a > b ? 1 : 0);
    if (a_width < b_width) {
      const std::int64_t prefix = b / kPowers[b_width - a_width];
      return a < prefix ? -1 : (a > prefix ? 1 : -1);
    }
    const std::int64_t prefix = a / kPowers[a_width - b_width];
    return prefix < b ? -1 : (prefix > b ? 1 : 1);
  }
  char x[32];
  char y[32];
  const std::string_view xs(x, RangeSet::write_digits(x, a, a_width));
  const std::string_view ys(y, RangeSet::write_digits(y, b, b_width));
  const int c = xs.compare(ys);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool strict_superset(const RangeSet& a, const RangeSet& b) {
  return a.size() > b.size() && b.is_subset_of(a);
}

void sort_vectors(std::vector<RangeVector>& vectors) {
  // Larger vectors first, then per axis: more elements first, lower first
  // element, lower last element (digit strings compared as strings). An
  // index sort over keys read once into one flat array: comparisons then
  // touch neither the vectors nor their runs.
  struct AxisKey {
    std::size_t size;
    std::int64_t first;
    std::int64_t last;
    std::int32_t first_width;
    std::int32_t last_width;
  };
  const std::size_t dimensions = vectors.empty() ? 0 : vectors.front().size();
  std::vector<std::uint32_t> order(vectors.size());
  std::vector<std::ptrdiff_t> sizes(vectors.size());
  std::vector<AxisKey> keys(vectors.size() * dimensions);
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    order[i] = static_cast<std::uint32_t>(i);
    std::size_t product = 1;
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      const RangeSet& set = vectors[i][axis];
      const auto& front = set.runs().front();
      const auto& back = set.runs().back();
      keys[i * dimensions + axis] = {set.size(), front.first, back.last, front.width, back.width};
      product *= keys[i * dimensions + axis].size;
    }
    sizes[i] = -static_cast<std::ptrdiff_t>(product);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (sizes[a] != sizes[b]) return sizes[a] < sizes[b];
    const AxisKey* x = &keys[a * dimensions];
    const AxisKey* y = &keys[b * dimensions];
    for (std::size_t axis = 0; axis < dimensions; ++axis, ++x, ++y) {
      if (x->size != y->size) return x->size > y->size;
      if (int c = compare_digits(x->first, x->first_width, y->first, y->first_width); c != 0)
        return c < 0;
      if (int c = compare_digits(x->last, x->last_width, y->last, y->last_width); c != 0)
        return c < 0;
    }
    return false;
  });
  std::vector<RangeVector> sorted;
  sorted.reserve(vectors.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(vectors[i]));
  vectors = std::move(sorted);
}

}  // namespace

bool merge_along_one_axis(std::vector<RangeVector>& vectors) {
  const std::size_t dimensions = vectors.empty() ? 0 : vectors.front().size();
  std::size_t varying_axis = 0;
  int varying = 0;
  if (dimensions > 1) {
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      const bool differs = std::any_of(vectors.begin(), vectors.end(), [&](const RangeVector& v) {
        return !(v[axis] == vectors.front()[axis]);
      });
      if (differs) {
        ++varying;
        if (varying > 1) break;
        varying_axis = axis;
      }
    }
  }
  const bool univariate = dimensions == 1 || varying == 1;
  if (univariate) {
    for (std::size_t i = 1; i < vectors.size(); ++i) {
      vectors.front()[varying_axis].update(vectors[i][varying_axis]);
    }
    vectors.resize(1);
  }
  return univariate;
}

void fold_vectors(std::vector<RangeVector>& vectors) {
  // Phase 1: one vector per distinct element. Elements are (width, value)
  // pairs per axis, flattened, sorted and deduplicated; their order does
  // not matter since sort_vectors() orders distinct single elements totally.
  const std::size_t dimensions = vectors.empty() ? 0 : vectors.front().size();
  if (dimensions == 0) return;
  std::vector<RangeSet::Run> cells;  // dimensions cells per element
  std::vector<std::vector<RangeSet::Run>> axes(dimensions);
  for (const auto& vector : vectors) {
    bool empty = false;
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      axes[axis].clear();
      for (const auto& run : vector[axis].runs()) {
        for (std::int64_t v = run.first;; ++v) {
          axes[axis].push_back({run.width, v, v});
          if (v == run.last) break;
        }
      }
      empty = empty || axes[axis].empty();
    }
    if (empty) continue;
    std::vector<std::size_t> index(dimensions, 0);
    for (;;) {
      for (std::size_t axis = 0; axis < dimensions; ++axis)
        cells.push_back(axes[axis][index[axis]]);
      std::size_t axis = dimensions;
      while (axis > 0) {
        --axis;
        if (++index[axis] < axes[axis].size()) break;
        index[axis] = 0;
      }
      if (axis == 0 && index[0] == 0) break;
    }
  }
  const std::size_t count = cells.size() / dimensions;
  std::vector<std::uint32_t> element(count);
  for (std::size_t i = 0; i < count; ++i) element[i] = static_cast<std::uint32_t>(i);
  auto cell_less = [&](std::uint32_t a, std::uint32_t b) {
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      const auto& x = cells[a * dimensions + axis];
      const auto& y = cells[b * dimensions + axis];
      if (x.width != y.width) return x.width < y.width;
      if (x.first != y.first) return x.first < y.first;
    }
    return false;
  };
  std::sort(element.begin(), element.end(), cell_less);
  vectors.clear();
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0 && !cell_less(element[i - 1], element[i])) continue;  // duplicate
    RangeVector vector;
    vector.reserve(dimensions);
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      vector.push_back(RangeSet::of_run(cells[element[i] * dimensions + axis]));
    }
    vectors.push_back(std::move(vector));
  }
  // Phase 2: merge vectors that differ on at most one axis; cheap passes
  // first, then full quadratic passes until nothing changes. ClusterShell
  // pops merged vectors out of its list; a linked list over the sorted
  // vectors does the same walk without moving the rest each time.
  bool full = false;
  bool changed = true;
  while (changed) {
    changed = false;
    sort_vectors(vectors);
    const std::size_t n = vectors.size();
    constexpr std::size_t kEnd = static_cast<std::size_t>(-1);
    std::vector<std::size_t> next(n);
    for (std::size_t i = 0; i < n; ++i) next[i] = i + 1 < n ? i + 1 : kEnd;
    std::vector<bool> alive(n, true);
    std::size_t first = n > 0 ? 0 : kEnd;
    while (first != kEnd && next[first] != kEnd) {
      const std::size_t position1 = first;
      std::size_t previous = position1;
      std::size_t position2 = next[position1];
      while (position2 != kEnd) {
        const RangeVector& item1 = vectors[position1];
        const RangeVector& item2 = vectors[position2];
        // Which axis differs, and how; the vectors are only touched when
        // they merge.
        int differences = 0;
        std::size_t differing_axis = 0;
        bool disjoint = false;
        for (std::size_t axis = 0; axis < item1.size(); ++axis) {
          const RangeSet& a = item1[axis];
          const RangeSet& b = item2[axis];
          if (a == b) continue;
          if (!a.intersects(b)) {
            disjoint = true;
          } else if (strict_superset(a, b) || strict_superset(b, a)) {
            disjoint = false;
          } else {
            differences = 2;
            break;
          }
          differing_axis = axis;
          if (++differences > 1) break;
        }
        if (differences <= 1) {
          changed = true;
          if (differences == 1) {
            RangeSet& a = vectors[position1][differing_axis];
            const RangeSet& b = vectors[position2][differing_axis];
            if (disjoint) {
              a.update(b);
            } else if (strict_superset(b, a)) {
              a = b;
            }
          }
          alive[position2] = false;
          next[previous] = next[position2];
          position2 = next[position2];
        } else if (!full) {
          break;
        } else {
          previous = position2;
          position2 = next[position2];
        }
      }
      first = next[position1];
    }
    std::vector<RangeVector> kept;
    for (std::size_t i = 0; i < n; ++i) {
      if (alive[i]) kept.push_back(std::move(vectors[i]));
    }
    vectors = std::move(kept);
    if (!changed && !full) changed = full = true;
  }
}

}  // namespace greenlight::detail
