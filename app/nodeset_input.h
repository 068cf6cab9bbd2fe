// Where `greenlight nodeset` takes its sets from (operands, their lines,
// standard input) and the set operations it applies, for node sets and,
// with -R, for range sets: one algorithm over two kinds of set, as
// ClusterShell's nodeset runs one over NodeSet or RangeSet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/rangeset.h"

namespace greenlight::app {

/// Node sets (the default): groups resolved as ClusterShell's nodeset does.
class NodeSetOps {
 public:
  using Set = NodeSet;
  explicit NodeSetOps(const GroupResolver& groups) : groups_(groups) {}
  NodeSet parse(const std::string& text) const;
  /// The words of standard input (see read_stdin()) as one set: plain
  /// names in bulk, others parsed.
  NodeSet from_input(std::string_view input) const;
  void update(NodeSet& set, const NodeSet& other) const { set.update(other); }
  void update(NodeSet& set, NodeSet&& other) const { set.update(std::move(other)); }
  NodeSet intersection(NodeSet set, const NodeSet& other) const {
    set.intersection_update(other);
    return set;
  }
  void difference(NodeSet& set, const NodeSet& other) const { set.difference_update(other); }
  void symmetric_difference(NodeSet& set, const NodeSet& other) const {
    set.symmetric_difference_update(other);
  }
  bool empty(const NodeSet& set) const { return set.empty(); }
  std::size_t size(const NodeSet& set) const { return set.size(); }
  NodeSet slice(const NodeSet& set, std::size_t begin, std::size_t end) const {
    return set.slice(begin, end);
  }
  std::vector<NodeSet> contiguous(const NodeSet& set, std::optional<std::int64_t> autostep) const {
    return set.contiguous(autostep);
  }
  std::vector<NodeSet> split(const NodeSet& set, std::size_t parts) const {
    return set.split(parts);
  }
  std::vector<std::string> members(const NodeSet& set) const { return set.expand(); }
  /// NodeSet(",".join(members)), as --pick rebuilds its choice.
  NodeSet from_members(const std::vector<std::string>& members) const;
  std::string expand(const NodeSet& set, const std::string& format,
                     const std::string& separator) const;
  /// A -O format was applied to every node before (formatted_set).
  std::string fold(const NodeSet& set, const std::string& format, const FoldStyle& style) const {
    (void)format;
    return set.fold(style);
  }

 private:
  const GroupResolver& groups_;
};

/// Range sets (-R): "1-5,8" and the like, no groups.
class RangeSetOps {
 public:
  using Set = RangeSet;
  RangeSet parse(const std::string& text) const { return RangeSet::parse(text); }
  RangeSet from_input(std::string_view input) const;
  void update(RangeSet& set, const RangeSet& other) const { set.update(other); }
  RangeSet intersection(RangeSet set, const RangeSet& other) const {
    set.intersection_update(other);
    return set;
  }
  void difference(RangeSet& set, const RangeSet& other) const { set.difference_update(other); }
  void symmetric_difference(RangeSet& set, const RangeSet& other) const {
    set.symmetric_difference_update(other);
  }
  bool empty(const RangeSet& set) const { return set.empty(); }
  std::size_t size(const RangeSet& set) const { return set.size(); }
  RangeSet slice(const RangeSet& set, std::size_t begin, std::size_t end) const {
    return set.slice(begin, end);
  }
  std::vector<RangeSet> contiguous(const RangeSet& set,
                                   std::optional<std::int64_t> autostep) const {
    return set.contiguous(autostep);
  }
  std::vector<RangeSet> split(const RangeSet& set, std::size_t parts) const;
  std::vector<std::string> members(const RangeSet& set) const { return set.expand(); }
  RangeSet from_members(const std::vector<std::string>& members) const;
  std::string expand(const RangeSet& set, const std::string& format,
                     const std::string& separator) const;
  /// `format % rangeset`: the folded form where the format says %s or %r.
  std::string fold(const RangeSet& set, const std::string& format, const FoldStyle& style) const;
};

/// All of standard input. Its words (a '#' starts a comment) are read as
/// ClusterShell reads them by the from_input() of each kind of set.
/// Throws std::runtime_error when standard input cannot be read.
std::string read_stdin();

/// Standard input made into one set.
template <typename Ops>
typename Ops::Set read_stdin_set(const Ops& ops) {
  return ops.from_input(read_stdin());
}

/// Applies the operands and operators left after the options ("a -x b -i -").
template <typename Ops>
void compute_from_args(typename Ops::Set& set, const std::vector<std::string>& args,
                       const Ops& ops);

/// Python's str.splitlines() of UTF-8 text: lines end at "\n", "\r",
/// "\r\n", "\v", "\f", "\x1c" to "\x1e", U+0085, U+2028 and U+2029; no
/// empty line after a last line end.
std::vector<std::string_view> python_splitlines(std::string_view text);

/// The lines of one operand, each a set, as ClusterShell's fromlist(splitlines()).
template <typename Ops>
typename Ops::Set parse_lines(const std::string& text, const Ops& ops) {
  typename Ops::Set set;
  for (const auto line : python_splitlines(text)) ops.update(set, ops.parse(std::string(line)));
  return set;
}

/// `set` intersected with `other`, read from `value` (a node set, or "-":
/// standard input). An empty standard input changes nothing: ClusterShell's
/// process_stdin applies an operation only with a set that is not empty.
template <typename Ops>
void intersect_operand(typename Ops::Set& set, const std::string& value,
                       typename Ops::Set other, const Ops& ops) {
  if (value == "-" && ops.empty(other)) return;
  set = ops.intersection(std::move(set), std::move(other));
}

template <typename Ops>
void compute_from_args(typename Ops::Set& set, const std::vector<std::string>& args,
                       const Ops& ops) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto next = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::out_of_range("pop from empty list");
      return args[++i];
    };
    auto operand = [&](const std::string& value) {
      return value == "-" ? read_stdin_set(ops) : parse_lines(value, ops);
    };
    if (arg == "-i" || arg == "--intersection") {
      const std::string& value = next();
      intersect_operand(set, value, operand(value), ops);
    } else if (arg == "-x" || arg == "--exclude") {
      ops.difference(set, operand(next()));
    } else if (arg == "-X" || arg == "--xor") {
      ops.symmetric_difference(set, operand(next()));
    } else {
      ops.update(set, operand(arg));
    }
  }
}

}  // namespace greenlight::app
