// The inside of a NodeSet: node name patterns ("node%s-ib%s", '%' written
// "%%") mapped to their indexes, as in ClusterShell's NodeSetBase.
#pragma once

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "greenlight/core/nodeset.h"
#include "greenlight/core/rangeset.h"
#include "rangeset_nd.h"

namespace greenlight {

/// No index (a plain name), one numeric part, or several.
using Indexes = std::variant<std::monostate, RangeSet, detail::RangeSetND>;

/// Owns a NodeSet's node names as patterns and their indexes, and the set
/// algebra over them (nodeset_impl.cpp); how they are written and cut is
/// nodeset_views.h's. Not synchronised, as NodeSet.
struct NodeSet::Impl {
  std::map<std::string, Indexes> patterns;  // ordered as ClusterShell sorts them

  /// Adds `pattern` with `indexes`; copies them when the pattern is new.
  void add(const std::string& pattern, const Indexes& indexes);
  void update(const Impl& other);
  /// The same, moving other's one-dimensional indexes where the pattern is
  /// new (others are copied as update() copies them).
  void update(Impl&& other);
  void difference_update(const Impl& other);
  void intersection_update(const Impl& other);
  void symmetric_difference_update(const Impl& other);

  /// Merges what range sets keep aside (additions out of order) and folds
  /// multi-dimensional sets, so that later reads change nothing: a set
  /// handed out by parse() or from_names() may be read from several threads.
  void settle() const;

  std::size_t size() const;
  template <typename F>
  void for_each(F&& f) const;  // f(const std::string& node), ClusterShell order
};

namespace detail {

/// Truthiness of an index set as ClusterShell tests it (`if rangeset:`).
bool has_indexes(const Indexes& indexes);

/// `pattern % args`: each "%s" takes the next argument, "%%" is '%'.
std::string format_pattern(std::string_view pattern, const std::vector<std::string>& args);

}  // namespace detail

namespace detail {
/// A pattern split at its "%s" places, '%%' already unescaped.
std::vector<std::string> pattern_pieces(std::string_view pattern);
}  // namespace detail

template <typename F>
void NodeSet::Impl::for_each(F&& f) const {
  std::string name;
  for (const auto& [pattern, indexes] : patterns) {
    const auto pieces = detail::pattern_pieces(pattern);
    if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      one->for_each([&](std::string_view digits) {
        name.assign(pieces[0]);
        name.append(digits);
        if (pieces.size() > 1) name.append(pieces[1]);
        f(name);
      });
    } else if (const auto* many = std::get_if<detail::RangeSetND>(&indexes)) {
      for (const auto& vector : many->vectors()) {
        detail::for_each_element(vector, [&](const std::vector<std::string>& element) {
          name.assign(pieces[0]);
          for (std::size_t i = 0; i < element.size(); ++i) {
            name.append(element[i]);
            if (i + 1 < pieces.size()) name.append(pieces[i + 1]);
          }
          f(name);
        });
      }
    } else {
      name.assign(pieces[0]);
      f(name);
    }
  }
}

}  // namespace greenlight
