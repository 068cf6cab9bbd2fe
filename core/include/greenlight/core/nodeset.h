// Node sets with ClusterShell 1.9 syntax and semantics.
//
// A NodeSet is an ordered set of node names written in ClusterShell's folded
// form: "node[01-10/2],da[2-5]c[1-2]", groups "@top", "@vm:running",
// operators ',' '!' '&' '^' applied left to right. Expansion order, folding
// and error cases match ClusterShell's `nodeset` byte for byte.
#pragma once

#include <cstddef>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight {

class GroupResolver;

/// A malformed node set or range set. `what()` names the input and the
/// position where it is wrong.
class NodeSetParseError : public std::runtime_error {
 public:
  NodeSetParseError(std::string message, std::string input, std::size_t position)
      : std::runtime_error(std::move(message)), input_(std::move(input)), position_(position) {}
  const std::string& input() const { return input_; }
  std::size_t position() const { return position_; }  ///< 0-based offset into input()

 private:
  std::string input_;
  std::size_t position_;
};

/// A group name that no source resolves, or a source that failed.
class GroupResolutionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The most nodes an operation acts on (a step, `greenlight exec`): far above
/// any real cluster, it stops a typo such as node[1-100000000] before memory
/// grows. 1,000,000 by default; $GREENLIGHT_MAX_NODES (read once) changes it.
std::size_t node_ceiling();
/// Throws std::runtime_error naming `what`, the size and the ceiling when
/// `size` is above node_ceiling().
void check_node_ceiling(std::size_t size, std::string_view what);

/// What an unknown group means while parsing.
enum class GroupPolicy {
  kStrict,       ///< an error (GroupResolutionError): greenlight's default
  kClusterShell  ///< an empty set, as ClusterShell's `nodeset` does
};

/// How NodeSet::fold writes ranges: ClusterShell's autostep and fold_axis.
struct FoldStyle {
  /// Write "a-b/step" where at least this many indexes share a step
  /// (RangeSet::fold(autostep)); nullopt: never.
  std::optional<std::int64_t> autostep;
  /// 0-based axes that are folded, negative ones counted from the end; the
  /// other axes are expanded. nullopt: every axis is folded.
  std::optional<std::vector<std::int64_t>> axes;
};

/// Value type; copies are independent. Not synchronised. A set returned by
/// parse() or from_names() is settled: its const methods change nothing and
/// may run on several threads. After update() and the other operations the
/// next read may still merge additions that came out of order: one thread
/// at a time until then.
class NodeSet {
 public:
  NodeSet();
  ~NodeSet();
  NodeSet(const NodeSet&);
  NodeSet(NodeSet&&) noexcept;
  NodeSet& operator=(const NodeSet&);
  NodeSet& operator=(NodeSet&&) noexcept;

  /// Parses `text`. Groups ('@...') are resolved through `groups`; without a
  /// resolver any group is an error. Throws NodeSetParseError or
  /// GroupResolutionError.
  static NodeSet parse(std::string_view text, const GroupResolver* groups = nullptr,
                       GroupPolicy policy = GroupPolicy::kStrict);
  /// A set of the given names, each taken as one node name (no ranges, no
  /// operators, no groups), as ClusterShell's NodeSet._fromlist1. Any
  /// order; see NodeSetBuilder for the costs.
  static NodeSet from_names(const std::vector<std::string>& names);

  /// The folded form, exactly as ClusterShell's str(NodeSet) prints it.
  std::string fold() const;
  /// The same with autostep and fold axes (`nodeset --autostep`, `--axis`).
  std::string fold(const FoldStyle& style) const;
  /// Every node name, in ClusterShell's iteration order.
  std::vector<std::string> expand() const;
  /// Calls f with every node name in that order, without building a list.
  void for_each(const std::function<void(const std::string&)>& f) const;
  /// Appends every node to `out`, `separator` between them (expand() without
  /// a vector of strings: what `nodeset -e` prints).
  void expand_to(std::string& out, std::string_view separator) const;
  std::size_t size() const;
  bool empty() const;

  /// The nodes at positions [begin, end) of the iteration order (Python's
  /// nodeset[begin:end]); positions past the end are ignored.
  NodeSet slice(std::size_t begin, std::size_t end) const;
  /// ClusterShell's NodeSet.contiguous(): one set per pattern and
  /// contiguous range of indexes ("n[1-3,5]" -> "n[1-3]", "n5"), in order;
  /// with the set's autostep, RangeSet::contiguous(autostep) cuts.
  std::vector<NodeSet> contiguous(std::optional<std::int64_t> autostep = std::nullopt) const;
  /// ClusterShell's NodeSet.split(parts): min(parts, size()) sets in
  /// iteration order whose sizes differ by at most one. parts > 0.
  std::vector<NodeSet> split(std::size_t parts) const;
  bool contains(std::string_view node) const;

  NodeSet& update(const NodeSet& other);                       ///< union, ','
  NodeSet& update(NodeSet&& other);  ///< the same, taking other's indexes where it can
  NodeSet& difference_update(const NodeSet& other);            ///< '!'
  NodeSet& intersection_update(const NodeSet& other);          ///< '&'
  NodeSet& symmetric_difference_update(const NodeSet& other);  ///< '^'

  friend bool operator==(const NodeSet& a, const NodeSet& b);

  struct Impl;

 private:
  friend class NodeSetBuilder;
  explicit NodeSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A NodeSet made of names given one at a time, each taken as one node name
/// as from_names() takes it: what `nodeset` reads on standard input, without
/// a list of strings. Names with one numeric part (node12, cn042-ib) are kept
/// as one 64-bit integer each and sorted once by take(): O(n) in all when
/// their indexes are spread over at most 64 times their number (node1..nodeN
/// in any order, a tenth of them), O(n log n) otherwise. Not synchronised.
class NodeSetBuilder {
 public:
  NodeSetBuilder();
  ~NodeSetBuilder();
  NodeSetBuilder(const NodeSetBuilder&) = delete;
  NodeSetBuilder& operator=(const NodeSetBuilder&) = delete;

  /// Room for about `names` names of one pattern (a hint, nothing more).
  void reserve(std::size_t names);
  /// Adds the node named `name`, copying what it keeps. Throws
  /// NodeSetParseError for a name ClusterShell refuses.
  void add(std::string_view name);
  /// The set of the names added since the last take(); the builder starts
  /// again empty.
  NodeSet take();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace greenlight
