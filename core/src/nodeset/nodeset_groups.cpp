// The group half of the node set parser: a group word resolved in its
// source, and the answers of dynamic sources checked before they are parsed.
#include <fmt/format.h>

#include <utility>

#include "greenlight/core/node_name.h"
#include "nodeset_parser.h"

namespace greenlight::detail {
namespace {

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
