#include "nodeset_views.h"

#include <algorithm>

namespace greenlight::detail {
namespace {

// Python's `x % n` for n > 0.
std::int64_t python_modulo(std::int64_t x, std::int64_t n) { return ((x % n) + n) % n; }

}  // namespace

std::string fold_nodes(const NodeSet::Impl& nodes, const FoldStyle& style) {
  std::string out;
  auto emit = [&](const std::string& text) {
    if (!out.empty()) out += ',';
    out += text;
  };
  for (const auto& entry : nodes.patterns) {
    // Named, not a structured binding: clang 14 cannot capture bindings.
    const auto& pattern = entry.first;
    const auto& indexes = entry.second;
    if (!has_indexes(indexes)) {
      emit(format_pattern(pattern, {}));
    } else if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      // A single axis is folded unless the axes asked for leave out axis 0
      // (written 0 or -1).
      const bool folded = !style.axes || std::any_of(style.axes->begin(), style.axes->end(),
                                                     [](auto x) { return x >= -1 && x < 1; });
      if (folded) {
        // pattern % ranges, written in place: the ranges may be megabytes.
        const auto pieces = pattern_pieces(pattern);
        if (!out.empty()) out += ',';
        out += pieces[0];
        const bool bracketed = one->size() > 1;
        if (bracketed) out += '[';
        one->fold_to(out, style.autostep);
        if (bracketed) out += ']';
        if (pieces.size() > 1) out += pieces[1];
      } else {
        one->for_each(
            [&](std::string_view digits) { emit(format_pattern(pattern, {std::string(digits)})); });
      }
    } else {
      const auto& many = std::get<RangeSetND>(indexes);
      const auto dimensions = static_cast<std::int64_t>(many.dim());
      auto folded_axis = [&](std::int64_t axis) {
        if (!style.axes) return true;
        return std::any_of(style.axes->begin(), style.axes->end(), [&](std::int64_t x) {
          return x >= -dimensions && x < dimensions && python_modulo(x, dimensions) == axis;
        });
      };
      for (const auto& vector : many.vectors()) {
        // Expanded axes multiply the names; an axis added later varies
        // slowest, as in ClusterShell.
        std::vector<std::vector<std::string>> names;
        for (std::size_t axis = 0; axis < vector.size(); ++axis) {
          const RangeSet& set = vector[axis];
          std::vector<std::string> texts;
          if (set.size() > 1 && !folded_axis(static_cast<std::int64_t>(axis))) {
            texts = set.expand();
          } else if (set.size() > 1) {
            texts.push_back("[" + set.fold(style.autostep) + "]");
          } else {
            texts.push_back(set.fold(style.autostep));
          }
          std::vector<std::vector<std::string>> grown;
          for (const auto& text : texts) {
            if (names.empty()) {
              grown.push_back({text});
              continue;
            }
            for (const auto& args : names) {
              grown.push_back(args);
              grown.back().push_back(text);
            }
          }
          names = std::move(grown);
        }
        for (const auto& args : names) emit(format_pattern(pattern, args));
      }
    }
  }
  return out;
}

NodeSet::Impl slice_nodes(const NodeSet::Impl& nodes, std::size_t begin, std::size_t end) {
  // Pattern by pattern, each cut at its own positions: names are not
  // re-read, so that indexes such as "-1" keep their pattern.
  NodeSet::Impl out;
  std::size_t position = 0;
  for (const auto& [pattern, indexes] : nodes.patterns) {
    if (position >= end) break;
    const std::size_t count =
        std::holds_alternative<std::monostate>(indexes)
            ? 1
            : (std::holds_alternative<RangeSet>(indexes) ? std::get<RangeSet>(indexes).size()
                                                         : std::get<RangeSetND>(indexes).size());
    if (position + count <= begin) {
      position += count;
      continue;
    }
    const std::size_t low = std::max(begin, position) - position;
    const std::size_t high = std::min(end, position + count) - position;
    position += count;
    if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      out.patterns.emplace(pattern, one->slice(low, high));
    } else if (const auto* many = std::get_if<RangeSetND>(&indexes)) {
      RangeSetND cut;
      std::size_t at = 0;
      for (const auto& vector : many->vectors()) {
        for_each_element(vector, [&](const std::vector<std::string>& element) {
          if (at >= low && at < high) {
            RangeVector single;
            for (const auto& digits : element) single.push_back(RangeSet::parse(digits));
            cut.add_vector(std::move(single));
          }
          ++at;
        });
      }
      out.patterns.emplace(pattern, std::move(cut));
    } else {
      out.patterns.emplace(pattern, Indexes{});
    }
  }
  return out;
}

std::vector<NodeSet::Impl> contiguous_nodes(const NodeSet::Impl& nodes,
                                            std::optional<std::int64_t> autostep) {
  std::vector<NodeSet::Impl> out;
  auto add = [&](const std::string& pattern, Indexes indexes) {
    out.emplace_back().patterns.emplace(pattern, std::move(indexes));
  };
  for (const auto& [pattern, indexes] : nodes.patterns) {
    if (!has_indexes(indexes)) {
      add(pattern, Indexes{});
    } else if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      for (auto& piece : one->contiguous(autostep)) add(pattern, std::move(piece));
    } else {
      // RangeSetND.contiguous(): every vector cut along each axis in turn.
      std::vector<RangeVector> vectors = std::get<RangeSetND>(indexes).vectors();
      const std::size_t dimensions = vectors.empty() ? 0 : vectors.front().size();
      for (std::size_t axis = 0; axis < dimensions; ++axis) {
        std::vector<RangeVector> cut;
        for (const auto& vector : vectors) {
          for (auto& piece : vector[axis].contiguous(autostep)) {
            cut.push_back(vector);
            cut.back()[axis] = std::move(piece);
          }
        }
        vectors = std::move(cut);
      }
      for (auto& vector : vectors) add(pattern, RangeSetND(std::move(vector)));
    }
  }
  return out;
}

}  // namespace greenlight::detail
