// Node sets written and cut the ways ClusterShell's nodeset options ask
// for: fold with autostep and fold axes (NodeSetBase.__str__ and
// _iter_nd_pat), positional slices, contiguous() and split().
#include <algorithm>

#include "nodeset_impl.h"

namespace greenlight {
namespace {

// Python's `x % n` for n > 0.
std::int64_t python_modulo(std::int64_t x, std::int64_t n) { return ((x % n) + n) % n; }

}  // namespace

std::string NodeSet::Impl::fold(const FoldStyle& style) const {
  std::string out;
  auto emit = [&](const std::string& text) {
    if (!out.empty()) out += ',';
    out += text;
  };
  for (const auto& entry : patterns) {
    // Named, not a structured binding: clang 14 cannot capture bindings.
    const auto& pattern = entry.first;
    const auto& indexes = entry.second;
    if (!detail::has_indexes(indexes)) {
      emit(detail::format_pattern(pattern, {}));
    } else if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      // A single axis is folded unless the axes asked for leave out axis 0
      // (written 0 or -1).
      const bool folded = !style.axes || std::any_of(style.axes->begin(), style.axes->end(),
                                                      [](auto x) { return x >= -1 && x < 1; });
      if (folded) {
        // pattern % ranges, written in place: the ranges may be megabytes.
        const auto pieces = detail::pattern_pieces(pattern);
        if (!out.empty()) out += ',';
        out += pieces[0];
        const bool bracketed = one->size() > 1;
        if (bracketed) out += '[';
        one->fold_to(out, style.autostep);
        if (bracketed) out += ']';
        if (pieces.size() > 1) out += pieces[1];
      } else {
        one->for_each([&](std::string_view digits) {
          emit(detail::format_pattern(pattern, {std::string(digits)}));
        });
      }
    } else {
      const auto& many = std::get<detail::RangeSetND>(indexes);
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
        for (const auto& args : names) emit(detail::format_pattern(pattern, args));
      }
    }
  }
  return out;
}

NodeSet NodeSet::slice(std::size_t begin, std::size_t end) const {
  // Pattern by pattern, each cut at its own positions: names are not
  // re-read, so that indexes such as "-1" keep their pattern.
  auto out = std::make_unique<Impl>();
  if (!impl_) return NodeSet(std::move(out));
  std::size_t position = 0;
  for (const auto& [pattern, indexes] : impl_->patterns) {
    if (position >= end) break;
    const std::size_t count = std::holds_alternative<std::monostate>(indexes)
                                  ? 1
                                  : (std::holds_alternative<RangeSet>(indexes)
                                         ? std::get<RangeSet>(indexes).size()
                                         : std::get<detail::RangeSetND>(indexes).size());
    if (position + count <= begin) {
      position += count;
      continue;
    }
    const std::size_t low = std::max(begin, position) - position;
    const std::size_t high = std::min(end, position + count) - position;
    position += count;
    if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      out->patterns.emplace(pattern, one->slice(low, high));
    } else if (const auto* many = std::get_if<detail::RangeSetND>(&indexes)) {
      detail::RangeSetND cut;
      std::size_t at = 0;
      for (const auto& vector : many->vectors()) {
        detail::for_each_element(vector, [&](const std::vector<std::string>& element) {
          if (at >= low && at < high) {
            detail::RangeVector single;
            for (const auto& digits : element) single.push_back(RangeSet::parse(digits));
            cut.add_vector(std::move(single));
          }
          ++at;
        });
      }
      out->patterns.emplace(pattern, std::move(cut));
    } else {
      out->patterns.emplace(pattern, Indexes{});
    }
  }
  return NodeSet(std::move(out));
}

std::vector<NodeSet> NodeSet::contiguous(std::optional<std::int64_t> autostep) const {
  std::vector<NodeSet> out;
  if (!impl_) return out;
  auto add = [&](const std::string& pattern, Indexes indexes) {
    auto impl = std::make_unique<Impl>();
    impl->patterns.emplace(pattern, std::move(indexes));
    out.push_back(NodeSet(std::move(impl)));
  };
  for (const auto& [pattern, indexes] : impl_->patterns) {
    if (!detail::has_indexes(indexes)) {
      add(pattern, Indexes{});
    } else if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      for (auto& piece : one->contiguous(autostep)) add(pattern, std::move(piece));
    } else {
      // RangeSetND.contiguous(): every vector cut along each axis in turn.
      std::vector<detail::RangeVector> vectors = std::get<detail::RangeSetND>(indexes).vectors();
      const std::size_t dimensions = vectors.empty() ? 0 : vectors.front().size();
      for (std::size_t axis = 0; axis < dimensions; ++axis) {
        std::vector<detail::RangeVector> cut;
        for (const auto& vector : vectors) {
          for (auto& piece : vector[axis].contiguous(autostep)) {
            cut.push_back(vector);
            cut.back()[axis] = std::move(piece);
          }
        }
        vectors = std::move(cut);
      }
      for (auto& vector : vectors) add(pattern, detail::RangeSetND(std::move(vector)));
    }
  }
  return out;
}

std::vector<NodeSet> NodeSet::split(std::size_t parts) const {
  const std::size_t total = size();
  std::vector<NodeSet> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < std::min(parts, total); ++i) {
    const std::size_t length = total / parts + (i < total % parts ? 1 : 0);
    out.push_back(slice(begin, begin + length));
    begin += length;
  }
  return out;
}

}  // namespace greenlight
