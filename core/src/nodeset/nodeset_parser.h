// The node set string parser: ClusterShell 1.9's ParsingEngine semantics
// (brackets, digits around brackets, operators applied left to right,
// groups resolved recursively in their source).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "greenlight/core/group_source.h"
#include "nodeset_impl.h"

namespace greenlight::detail {

/// Parses node set strings over the terms nodeset_scan.h reads: applies
/// their operators, resolves group words in their sources (recursively,
/// each group once per parser) and checks what dynamic sources answer.
/// Owns the groups it resolved; borrows `groups`, which must outlive it.
/// One parser per parse, on one thread.
class NodeSetParser {
 public:
  NodeSetParser(const GroupResolver* groups, GroupPolicy policy)
      : groups_(groups), policy_(policy) {}

  /// Parses a whole node set string. Throws NodeSetParseError,
  /// RangeSetParseError (wrapped as NodeSetParseError) or GroupResolutionError.
  /// A NUL byte is refused at its offset: fnmatch(3) and every C string
  /// end there, ClusterShell reads on, so such a set has no one meaning.
  /// So is a decimal digit outside ASCII (python_digit.h), which
  /// ClusterShell reads as the ASCII digit of the same value.
  NodeSet::Impl parse(std::string_view text);

  /// One node name: no brackets, no operators, no groups. Refuses a NUL
  /// and a digit outside ASCII as parse() does.
  NodeSet::Impl parse_single(std::string_view name);

 private:
  NodeSet::Impl parse_string(std::string_view text, std::string_view whole,
                             const std::optional<std::string>& source, int depth);
  NodeSet::Impl resolve_group(const std::string& group_word,
                              const std::optional<std::string>& source, std::string_view whole,
                              int depth);
  NodeSet::Impl resolve_group_once(const std::string& group_word,
                                   const std::optional<std::string>& source, std::string_view whole,
                                   int depth);
  std::vector<std::string> group_names(const std::optional<std::string>& source);
  std::vector<std::string> all_nodes(const std::optional<std::string>& source);
  std::shared_ptr<const GroupSource> group_source(const std::optional<std::string>& source) const;
  /// An answer of the source `answered_by` (map, all, list) parsed as a
  /// node set in `source`'s context; when the answering source is dynamic,
  /// every name in it must be plain (node_name.h): throws UnsafeNameError.
  NodeSet::Impl parse_answer(const std::optional<std::string>& answered_by,
                             const std::string& answer, std::string_view whole,
                             const std::optional<std::string>& source, int depth);

  const GroupResolver* groups_;
  GroupPolicy policy_;
  /// Not empty while an answer of a dynamic source is parsed: names the
  /// source, for the groups named inside it.
  std::string dynamic_origin_;
  /// Each group resolved once in this parse, by (group word, source,
  /// dynamic origin): "@g2" = "@g1,@g1" nested 22 levels deep would
  /// otherwise ask 4 million times (a source is asked once per group).
  std::map<std::tuple<std::string, std::optional<std::string>, std::string>, NodeSet::Impl>
      resolved_;
};

}  // namespace greenlight::detail
