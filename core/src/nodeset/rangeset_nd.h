// Multi-dimensional range sets (node names with several numeric parts, such
// as "da[2-5]c[1-2]p[0-1]"), folded the way ClusterShell 1.9's RangeSetND
// folds them so that `nodeset -f` and `nodeset -e` print the same vectors in
// the same order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "greenlight/core/rangeset.h"

namespace greenlight::detail {

using RangeVector = std::vector<RangeSet>;

/// Calls f(digit strings, one per axis) for every element of `vector`, last
/// axis fastest (itertools.product order).
void for_each_element(const RangeVector& vector,
                      const std::function<void(const std::vector<std::string>&)>& f);

/// A set of node indexes with several axes: a list of vectors (one RangeSet
/// per axis), folded as ClusterShell folds them when next read. Owns its
/// vectors. Not synchronised: one thread at a time, const methods included
/// (a read folds).
class RangeSetND {
 public:
  RangeSetND() = default;
  explicit RangeSetND(RangeVector vector) { vectors_.push_back(std::move(vector)); }

  /// A folded copy, as RangeSetND.copy() in ClusterShell.
  RangeSetND copy() const;

  bool empty() const { return vectors_.empty(); }
  std::size_t size() const;
  std::size_t dim() const { return vectors_.empty() ? 0 : vectors_.front().size(); }

  /// The folded vectors, in ClusterShell's order.
  const std::vector<RangeVector>& vectors() const;

  void update(const RangeSetND& other);
  /// Adds one vector (as update() with a set of that vector alone).
  void add_vector(RangeVector vector);
  void difference_update(const RangeSetND& other);
  void intersection_update(const RangeSetND& other);
  void symmetric_difference_update(const RangeSetND& other);
  bool is_subset_of(const RangeSetND& other) const;
  bool contains(const std::vector<std::string>& element) const;

 private:
  /// Folds vectors_ when they changed (rangeset_nd_fold.h).
  void fold() const;
  /// Merges vectors_ when only one axis varies; remembers when more do.
  bool fold_univariate() const;
  void append(const std::vector<RangeVector>& vectors);

  mutable std::vector<RangeVector> vectors_;
  mutable bool dirty_ = true;
  mutable bool multivariate_hint_ = false;
};

}  // namespace greenlight::detail
