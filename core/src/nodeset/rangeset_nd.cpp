// Multi-dimensional range sets (rangeset_nd.h): their vectors, folded by
// rangeset_nd_fold.h when read, and the set operations as ClusterShell
// 1.9's RangeSetND computes them: a difference cuts each vector axis by
// axis, an intersection is taken vector by vector.
#include "rangeset_nd.h"

#include <string>
#include <vector>

#include "rangeset_nd_fold.h"

namespace greenlight::detail {
namespace {

std::size_t vector_size(const RangeVector& vector) {
  std::size_t count = 1;
  for (const auto& set : vector) count *= set.size();
  return count;
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
  if (vectors_.size() > 1 && !fold_univariate()) fold_vectors(vectors_);
  dirty_ = false;
}

bool RangeSetND::fold_univariate() const {
  const bool univariate = merge_along_one_axis(vectors_);
  if (univariate) dirty_ = false;
  multivariate_hint_ = !univariate;
  return univariate;
}

void RangeSetND::append(const std::vector<RangeVector>& vectors) {
  for (const auto& vector : vectors) vectors_.push_back(vector);
  dirty_ = true;
  if (!multivariate_hint_) fold_univariate();
}

void RangeSetND::update(const RangeSetND& other) { append(other.vectors_); }

void RangeSetND::add_vector(RangeVector vector) {
  vectors_.push_back(std::move(vector));
  dirty_ = true;
  if (!multivariate_hint_) fold_univariate();
}

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
