// The folding below follows ClusterShell 1.9's RangeSetND step by step
// (univariate merge when a single axis varies, otherwise expansion into
// single vectors, sort, then pairwise merge passes): the order of the
// resulting vectors is what `nodeset -e` prints, so it has to match.
#include "rangeset_nd.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace greenlight::detail {
namespace {

std::size_t vector_size(const RangeVector& vector) {
  std::size_t count = 1;
  for (const auto& set : vector) count *= set.size();
  return count;
}

bool strict_superset(const RangeSet& a, const RangeSet& b) {
  return a.size() > b.size() && b.is_subset_of(a);
}

}  // namespace

void for_each_element(const RangeVector& vector,
                      const std::function<void(const std::vector<std::string>&)>& f) {
  std::vector<std::vector<std::string>> axes;
  axes.reserve(vector.size());
  for (const auto& set : vector) axes.push_back(set.expand());
  for (const auto& axis : axes) {
    if (axis.empty()) return;
  }
  std::vector<std::size_t> index(axes.size(), 0);
  std::vector<std::string> element(axes.size());
  for (;;) {
    for (std::size_t i = 0; i < axes.size(); ++i) element[i] = axes[i][index[i]];
    f(element);
    std::size_t axis = axes.size();
    while (axis > 0) {
      --axis;
      if (++index[axis] < axes[axis].size()) break;
      index[axis] = 0;
      if (axis == 0) return;
    }
    if (axes.empty()) return;
  }
}

RangeSetND RangeSetND::copy() const {
  RangeSetND copied;
  copied.vectors_ = vectors();
  copied.dirty_ = dirty_;
  return copied;
}

std::size_t RangeSetND::size() const {
  std::size_t count = 0;
  for (const auto& vector : vectors()) count += vector_size(vector);
  return count;
}

const std::vector<RangeVector>& RangeSetND::vectors() const {
  if (dirty_) fold();
  return vectors_;
}

void RangeSetND::fold() const {
  if (vectors_.size() > 1) {
    if (!fold_univariate()) fold_multivariate();
  } else {
    dirty_ = false;
  }
}

bool RangeSetND::fold_univariate() const {
  const std::size_t dimensions = dim();
  std::size_t varying_axis = 0;
  int varying = 0;
  if (dimensions > 1) {
    for (std::size_t axis = 0; axis < dimensions; ++axis) {
      const bool differs = std::any_of(vectors_.begin(), vectors_.end(), [&](const RangeVector& v) {
        return !(v[axis] == vectors_.front()[axis]);
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
    for (std::size_t i = 1; i < vectors_.size(); ++i) {
      vectors_.front()[varying_axis].update(vectors_[i][varying_axis]);
    }
    vectors_.resize(1);
    dirty_ = false;
  }
  multivariate_hint_ = !univariate;
  return univariate;
}

void RangeSetND::sort() const {
  // Larger vectors first, then per axis: more elements first, lower first
  // element, lower last element (digit strings compared as strings).
  using AxisKey = std::tuple<std::ptrdiff_t, std::string, std::string>;
  struct Keyed {
    std::ptrdiff_t size;
    std::vector<AxisKey> axes;
    RangeVector vector;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(vectors_.size());
  for (auto& vector : vectors_) {
    Keyed k{-static_cast<std::ptrdiff_t>(vector_size(vector)), {}, std::move(vector)};
    for (const auto& set : k.vector) {
      k.axes.emplace_back(-static_cast<std::ptrdiff_t>(set.size()), set.front(), set.back());
    }
    keyed.push_back(std::move(k));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.size, a.axes) < std::tie(b.size, b.axes);
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) vectors_[i] = std::move(keyed[i].vector);
}

void RangeSetND::fold_multivariate() const {
  // Phase 1: one vector per distinct element.
  std::set<std::vector<std::string>> elements;
  for (const auto& vector : vectors_) {
    for_each_element(vector,
                     [&](const std::vector<std::string>& element) { elements.insert(element); });
  }
  vectors_.clear();
  for (const auto& element : elements) {
    RangeVector vector;
    vector.reserve(element.size());
    for (const auto& digits : element) vector.push_back(RangeSet::single(digits));
    vectors_.push_back(std::move(vector));
  }
  // Phase 2: merge vectors that differ on at most one axis; cheap passes
  // first, then full quadratic passes until nothing changes. ClusterShell
  // pops merged vectors out of its list; a linked list over the sorted
  // vectors does the same walk without moving the rest each time.
  bool full = false;
  bool changed = true;
  while (changed) {
    changed = false;
    sort();
    const std::size_t n = vectors_.size();
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
        const RangeVector& item1 = vectors_[position1];
        const RangeVector& item2 = vectors_[position2];
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
            RangeSet& a = vectors_[position1][differing_axis];
            const RangeSet& b = vectors_[position2][differing_axis];
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
      if (alive[i]) kept.push_back(std::move(vectors_[i]));
    }
    vectors_ = std::move(kept);
    if (!changed && !full) changed = full = true;
  }
  dirty_ = false;
}

void RangeSetND::append(const std::vector<RangeVector>& vectors) {
  for (const auto& vector : vectors) vectors_.push_back(vector);
  dirty_ = true;
  if (!multivariate_hint_) fold_univariate();
}

void RangeSetND::update(const RangeSetND& other) { append(other.vectors_); }

void RangeSetND::difference_update(const RangeSetND& other) {
  const auto& excluded = other.vectors_;
  std::vector<RangeVector> result;
  for (const auto& vector : vectors_) {
    std::vector<RangeVector> pending{vector};
    std::vector<RangeVector> next;
    for (const auto& cut : excluded) {
      while (!pending.empty()) {
        RangeVector current = pending.front();
        pending.erase(pending.begin());
        std::vector<RangeVector> pieces;
        for (std::size_t axis = 0; axis < current.size(); ++axis) {
          const RangeSet& a = current[axis];
          const RangeSet& b = cut[axis];
          if (a.is_subset_of(b)) continue;
          if (a.intersects(b)) {
            RangeVector piece = current;
            piece[axis].difference_update(b);
            pieces.push_back(std::move(piece));
          } else {
            pieces = {current};
            break;
          }
        }
        for (auto& piece : pieces) next.push_back(std::move(piece));
      }
      if (!next.empty()) {
        pending = std::move(next);
        next.clear();
      }
    }
    for (auto& piece : pending) result.push_back(std::move(piece));
  }
  vectors_ = std::move(result);
  dirty_ = true;
}

void RangeSetND::intersection_update(const RangeSetND& other) {
  if (&other == this) return;
  RangeSetND common;
  for (const auto& vector : vectors_) {
    for (const auto& other_vector : other.vectors_) {
      RangeVector both = vector;
      bool empty = false;
      for (std::size_t axis = 0; axis < both.size(); ++axis) {
        both[axis].intersection_update(other_vector[axis]);
        empty = empty || both[axis].empty();
      }
      if (!empty) common.append({std::move(both)});
    }
  }
  vectors_ = common.vectors();
  dirty_ = true;
}

void RangeSetND::symmetric_difference_update(const RangeSetND& other) {
  RangeSetND only_other;
  only_other.vectors_ = other.vectors();
  only_other.dirty_ = other.dirty_;
  only_other.difference_update(*this);
  difference_update(other);
  update(only_other);
}

bool RangeSetND::is_subset_of(const RangeSetND& other) const {
  RangeSetND rest;
  rest.vectors_ = vectors();
  rest.dirty_ = dirty_;
  rest.difference_update(other);
  return rest.vectors_.empty();
}

bool RangeSetND::contains(const std::vector<std::string>& element) const {
  for (const auto& vector : vectors_) {
    bool inside = vector.size() == element.size();
    for (std::size_t axis = 0; inside && axis < element.size(); ++axis) {
      inside = vector[axis].contains(element[axis]);
    }
    if (inside) return true;
  }
  return false;
}

}  // namespace greenlight::detail
