// The node set parser: terms (nodeset_scan.h) applied left to right, group
// words resolved in their source, the answers of dynamic sources checked
// before they are parsed.
#include "nodeset_parser.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <set>
#include <utility>

#include "greenlight/core/node_name.h"
#include "nodeset_scan.h"

namespace greenlight::detail {
namespace {

constexpr int kMaxGroupDepth = 32;

void apply(NodeSet::Impl& target, char op, const NodeSet::Impl& operand) {
  switch (op) {
    case ',':
      target.update(operand);
      break;
    case '!':
      target.difference_update(operand);
      break;
    case '&':
      target.intersection_update(operand);
      break;
    default:
      target.symmetric_difference_update(operand);
      break;
  }
}

// Refuses a dynamic source's answer holding a byte that is neither of a
// plain name nor node set syntax, before parsing: the parser would read it
// into a name, or fail on it showing it raw. The term holding it is named.
void refuse_stray_bytes(const std::string& origin, std::string_view answer) {
  static constexpr std::string_view kSyntax = ",[]!&^@:*?/";
  for (std::size_t i = 0; i < answer.size(); ++i) {
    const char c = answer[i];
    if (is_plain_name(std::string_view(&c, 1)) || c == '.' || c == '_' || c == '-' ||
        kSyntax.find(c) != std::string_view::npos)
      continue;
    const auto comma = answer.find_last_of(',', i);
    const auto from = comma == std::string_view::npos ? 0 : comma + 1;
    const std::string_view term = answer.substr(from, answer.find(',', i) - from);
    // "@source:group": the group's name is what an upcall would get.
    std::string_view group = term.front() == '@' ? term.substr(1) : std::string_view();
    if (const auto colon = group.find(':'); colon != std::string_view::npos)
      group.remove_prefix(colon + 1);
    if (!group.empty() && !is_plain_name(group)) refuse_unless_plain(origin, "group name", group);
    refuse_unless_plain(origin, "node name", term);
  }
}

}  // namespace

NodeSet::Impl NodeSetParser::parse(std::string_view text) {
  refuse_ambiguous_bytes(text);
  return parse_string(text, text, std::nullopt, 0);
}

NodeSet::Impl NodeSetParser::parse_single(std::string_view name) {
  refuse_ambiguous_bytes(name);
  const std::string escaped = escape(name);
  std::string pattern;
  std::vector<RangeSet> sets;
  scan_single(name, escaped, pattern, sets);
  NodeSet::Impl impl;
  impl.patterns.emplace(std::move(pattern), to_indexes(std::move(sets)));
  return impl;
}

NodeSet::Impl NodeSetParser::parse_string(std::string_view text, std::string_view whole,
                                          const std::optional<std::string>& source, int depth) {
  if (depth > kMaxGroupDepth) {
    throw GroupResolutionError(
        fmt::format("groups nest more than {} levels deep (a group that "
                    "contains itself?) while resolving \"{}\"",
                    kMaxGroupDepth, whole));
  }
  NodeSet::Impl result;
  std::optional<std::set<std::string>> all_cache;
  for (auto& term : scan_terms(whole, escape(text))) {
    NodeSet::Impl operand;
    operand.patterns.emplace(term.pattern, std::move(term.indexes));
    const bool names_groups = !term.pattern.empty() && term.pattern.front() == '@';
    const bool masks = !names_groups && groups_ != nullptr &&
                       term.pattern.find_first_of("*?") != std::string::npos;
    // Group words and masks are taken one by one: a range there is held to
    // the node ceiling before any is ("@g[1-100000]x[1-100000]" would never end).
    if ((names_groups || masks) && operand.size() > node_ceiling()) {
      throw NodeSetParseError(
          fmt::format("{} {}, more than the {} greenlight takes at once (a typo in a range?)",
                      operand.size(), names_groups ? "group names" : "wildcard masks",
                      node_ceiling()),
          std::string(whole), 0);
    }
    if (names_groups) {
      NodeSet::Impl group_nodes;
      operand.for_each([&](const std::string& group_word) {
        group_nodes.update(resolve_group(group_word, source, whole, depth));
      });
      apply(result, term.op, group_nodes);
    } else if (masks) {
      if (!all_cache) {
        all_cache.emplace();
        NodeSet::Impl all;
        for (const auto& nodes : all_nodes(source))
          all.update(parse_answer(source, nodes, nodes, source, depth + 1));
        all.for_each([&](const std::string& node) { all_cache->insert(node); });
      }
      // Every term matches against all the nodes: a node one wildcard
      // matched is still there for the next ("example*!example1*").
      NodeSet::Impl matched;
      operand.for_each([&](const std::string& mask) {
        for (const auto& node : *all_cache) {
          if (::fnmatch(mask.c_str(), node.c_str(), 0) == 0) matched.update(parse_single(node));
        }
      });
      apply(result, term.op, matched);
    } else {
      apply(result, term.op, operand);
    }
  }
  return result;
}

std::vector<std::string> NodeSetParser::group_names(const std::optional<std::string>& source) {
  NodeSet::Impl names;
  const auto found = group_source(source);
  for (const auto& group : found->list()) {
    if (found->dynamic()) {
      refuse_unless_plain(
          fmt::format("group source \"{}\"", source ? *source : groups_->default_source()),
          "group name", group);
    }
    const std::string escaped = escape(group);
    for (auto& term : scan_terms(group, escaped)) {
      NodeSet::Impl operand;
      operand.patterns.emplace(term.pattern, std::move(term.indexes));
      apply(names, term.op, operand);
    }
  }
  std::vector<std::string> out;
  names.for_each([&](const std::string& name) { out.push_back(name); });
  return out;
}

std::shared_ptr<const GroupSource> NodeSetParser::group_source(
    const std::optional<std::string>& source) const {
  if (groups_ == nullptr) {
    throw GroupResolutionError("no group source is configured to resolve groups");
  }
  const std::string name = source ? *source : groups_->default_source();
  auto found = groups_->source(name);
  if (!found) {
    throw GroupResolutionError(name.empty() ? std::string("no default group source is configured")
                                            : fmt::format("unknown group source \"{}\"", name));
  }
  return found;
}

NodeSet::Impl NodeSetParser::resolve_group(const std::string& group_word,
                                           const std::optional<std::string>& source,
                                           std::string_view whole, int depth) {
  auto key = std::make_tuple(group_word, source, dynamic_origin_);
  if (auto known = resolved_.find(key); known != resolved_.end()) return known->second;
  NodeSet::Impl nodes = resolve_group_once(group_word, source, whole, depth);
  resolved_.emplace(std::move(key), nodes);
  return nodes;
}

NodeSet::Impl NodeSetParser::resolve_group_once(const std::string& group_word,
                                                const std::optional<std::string>& source,
                                                std::string_view whole, int depth) {
  const std::string body = group_word.substr(1);
  std::optional<std::string> namespace_name = source;
  std::string group = body;
  if (const auto colon = body.find(':'); colon != std::string::npos) {
    // "@:GROUP" names no source: the default one, as in ClusterShell.
    if (colon > 0) namespace_name = body.substr(0, colon);
    group = body.substr(colon + 1);
  }
  std::vector<std::string> nodes;
  std::optional<std::string> answered_by = namespace_name;
  if (group == "*") {
    nodes = all_nodes(namespace_name);
  } else if (!group.empty() && group.front() == '@') {
    // "@@SOURCE" lists SOURCE's groups; "@@" those of the default source.
    const std::string listed = body.substr(1);
    if (!listed.empty()) answered_by = listed;
    nodes = group_names(answered_by);
  } else {
    // A group named in a dynamic source's answer goes into that source's
    // upcall ($GROUP) as it is: checked like the answer's nodes.
    if (!dynamic_origin_.empty()) refuse_unless_plain(dynamic_origin_, "group name", group);
    auto found = group_source(namespace_name)->map(group);
    if (!found && policy_ == GroupPolicy::kStrict) {
      throw GroupResolutionError(
          fmt::format("unknown group \"{}\" in source \"{}\"", group_word,
                      namespace_name ? *namespace_name : groups_->default_source()));
    }
    if (found) nodes.push_back(*found);
  }
  std::string joined;
  for (const auto& part : nodes) {
    if (!joined.empty()) joined += ',';
    joined += part;
  }
  if (joined.empty()) return {};
  return parse_answer(answered_by, joined, whole, namespace_name, depth + 1);
}

NodeSet::Impl NodeSetParser::parse_answer(const std::optional<std::string>& answered_by,
                                          const std::string& answer, std::string_view whole,
                                          const std::optional<std::string>& source, int depth) {
  if (!group_source(answered_by)->dynamic()) return parse_string(answer, whole, source, depth);
  const std::string origin =
      fmt::format("group source \"{}\"", answered_by ? *answered_by : groups_->default_source());
  refuse_stray_bytes(origin, answer);
  const std::string outer = std::exchange(dynamic_origin_, origin);
  NodeSet::Impl nodes;
  try {
    nodes = parse_string(answer, whole, source, depth);
  } catch (...) {
    dynamic_origin_ = outer;
    throw;
  }
  dynamic_origin_ = outer;
  nodes.for_each([&](const std::string& node) { refuse_unless_plain(origin, "node name", node); });
  return nodes;
}

std::vector<std::string> NodeSetParser::all_nodes(const std::optional<std::string>& source) {
  auto found = group_source(source);
  if (auto all = found->all()) return {*all};
  std::vector<std::string> nodes;
  for (const auto& group : group_names(source)) {
    if (auto members = found->map(group)) nodes.push_back(*members);
  }
  return nodes;
}

}  // namespace greenlight::detail
