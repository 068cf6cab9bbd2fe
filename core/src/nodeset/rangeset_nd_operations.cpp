// Set operations on multi-dimensional range sets (rangeset_nd.h), as
// ClusterShell 1.9's RangeSetND computes them: a difference cuts each
// vector axis by axis, an intersection is taken vector by vector.
#include <string>
#include <vector>

#include "rangeset_nd.h"

namespace greenlight::detail {

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
