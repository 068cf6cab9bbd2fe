#include "nodeset_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "greenlight/checks/check_kind.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/config.h"
#include "greenlight/core/percent_format.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {

std::shared_ptr<GroupResolver> load_nodeset_groups(const Invocation& invocation) {
  if (!invocation.config_given) {
    auto resolver = std::make_shared<GroupResolver>();
    load_clustershell_groups(*resolver);
    return resolver;
  }
  // With a site configuration, its groups are the default source and
  // ClusterShell's sources stay reachable as @source:group.
  config::Diagnostics diagnostics;
  const config::Site site = checks::load_site(invocation.config_path, diagnostics);
  if (!diagnostics.ok()) {
    throw std::runtime_error(fmt::format("{} is not valid (see greenlight config check):\n{}",
                                         invocation.config_path, diagnostics.format()));
  }
  auto resolver = site.group_resolver();
  // Sources fed by checks (the fleet check's "vm"): the check runs when a
  // group of it is first asked for.
  runbook::refresh_dynamic_groups(site, *resolver, nullptr);
  GroupResolver clustershell;
  if (load_clustershell_groups(clustershell)) {
    for (const auto& name : clustershell.source_names()) {
      if (!resolver->source(name)) resolver->add_source(name, clustershell.source(name));
    }
  }
  resolver->set_default("site");
  return resolver;
}

std::string unescape_separator(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case '\n':
        break;
      case 'x':
        if (i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
          out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          throw std::invalid_argument("invalid separator");
        }
        break;
      default:
        if (c >= '0' && c <= '7') {
          int value = 0, digits = 0;
          while (digits < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7') {
            value = value * 8 + (s[i++] - '0');
            ++digits;
          }
          --i;
          out += static_cast<char>(value);
        } else {
          out += '\\';
          out += c;
        }
    }
  }
  return out;
}

std::string expand_with_format(const NodeSet& nodes, const std::string& format,
                               const std::string& separator) {
  std::string out;
  out.reserve(nodes.size() * 12);
  if (format == "%s") {
    nodes.expand_to(out, separator);
    return out;
  }
  bool first = true;
  nodes.for_each([&](const std::string& node) {
    if (!first) out += separator;
    first = false;
    out += percent_format(format, std::string_view(node));
  });
  return out;
}

NodeSet formatted_set(const NodeSet& nodes, const std::string& format) {
  std::vector<std::string> names;
  names.reserve(nodes.size());
  nodes.for_each(
      [&](const std::string& node) { names.push_back(percent_format(format, std::string_view(node))); });
  return NodeSet::from_names(names);
}

std::string format_count(const std::string& format, std::size_t count) {
  return percent_format(format, static_cast<std::int64_t>(count));
}

std::string regroup(const NodeSet& nodes, const GroupResolver& groups,
                    const std::optional<std::string>& source, bool groupbase,
                    const FoldStyle& style) {
  const std::string source_name = source ? *source : groups.default_source();
  std::vector<std::string> names;
  try {
    names = NodeSet::parse("@@" + source_name, &groups, GroupPolicy::kClusterShell).expand();
  } catch (const GroupResolutionError&) {
    return nodes.fold(style);  // no list of groups: nothing to regroup with
  }
  struct Full {
    std::size_t size;
    std::string name;
    NodeSet members;
  };
  std::vector<Full> fulls;
  for (const auto& name : names) {
    NodeSet members = NodeSet::parse(fmt::format("@{}:{}", source_name, name), &groups,
                                     GroupPolicy::kClusterShell);
    NodeSet inside = members;
    inside.intersection_update(nodes);
    if (!inside.empty() && inside.size() == members.size())
      fulls.push_back({members.size(), name, std::move(members)});
  }
  if (fulls.empty()) return nodes.fold(style);
  std::sort(fulls.begin(), fulls.end(), [](const Full& a, const Full& b) {
    return a.size != b.size ? a.size > b.size : a.name < b.name;
  });
  NodeSet rest = nodes;
  std::vector<std::string> taken;
  for (const auto& full : fulls) {
    NodeSet outside = full.members;
    outside.difference_update(rest);
    if (!outside.empty()) continue;  // overlaps a group already taken
    taken.push_back(source && !groupbase ? fmt::format("@{}:{}", *source, full.name)
                                         : "@" + full.name);
    rest.difference_update(full.members);
    if (rest.empty()) return NodeSet::from_names(taken).fold();
  }
  if (!taken.empty()) return NodeSet::from_names(taken).fold() + "," + rest.fold(style);
  return rest.fold(style);
}

std::vector<GroupListing> group_list(const GroupResolver& groups, const NodeSet& nodes,
                                     const std::optional<std::string>& source, bool groupbase,
                                     bool filtered) {
  const std::string source_name = source ? *source : groups.default_source();
  auto group_source = groups.source(source_name);
  if (!group_source) {
    throw GroupResolutionError(fmt::format("unknown group source \"{}\"", source_name));
  }
  const NodeSet names = NodeSet::parse(source ? fmt::format("@@{}", *source) : "@@" + source_name,
                                       &groups, GroupPolicy::kClusterShell);
  std::vector<GroupListing> listing;
  for (const auto& group : names.expand()) {
    const std::string word =
        source && !groupbase ? fmt::format("@{}:{}", *source, group) : "@" + group;
    NodeSet members = NodeSet::parse(fmt::format("@{}:{}", source_name, group), &groups,
                                     GroupPolicy::kClusterShell);
    const std::size_t total = members.size();
    if (filtered) {
      members.intersection_update(nodes);
      if (members.empty()) continue;
    }
    listing.push_back({source_name, group, word, std::move(members), total});
  }
  return listing;
}

void print_group_list(std::ostream& out, const std::vector<GroupListing>& listing, int level,
                      bool filtered) {
  for (const auto& entry : listing) {
    out << entry.word;
    if (level >= 2) out << " " << entry.members.fold();
    if (level >= 3) {
      out << " " << entry.members.size();
      if (filtered) out << "/" << entry.total;
    }
    out << "\n";
  }
}

}  // namespace greenlight::app
