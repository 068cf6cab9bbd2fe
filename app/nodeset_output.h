// Output rules of `greenlight nodeset` (Python %-formatting of -O, -S
// escapes, group listings) and the group sources it reads.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "command.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::app {

/// ClusterShell's group configuration (see load_clustershell_groups).
std::shared_ptr<GroupResolver> load_nodeset_groups(const Invocation& invocation);

/// Python string escapes in a -S separator ("\n", "\t", "\x2c", ...).
std::string unescape_separator(const std::string& separator);

/// `format % node` for every node, joined by `separator` (nodeset -e).
/// Throws PercentFormatError.
std::string expand_with_format(const NodeSet& nodes, const std::string& format,
                               const std::string& separator);
/// The set of `format % node` for every node, as ClusterShell's
/// `nodeset -f -O FORMAT` builds it before folding.
NodeSet formatted_set(const NodeSet& nodes, const std::string& format);
/// `format % count` (nodeset -c).
std::string format_count(const std::string& format, std::size_t count);

/// ClusterShell's NodeSet.regroup(): the largest groups of `source` (the
/// default one when nullopt) wholly inside `nodes` first, then the nodes
/// left, folded.
std::string regroup(const NodeSet& nodes, const GroupResolver& groups,
                    const std::optional<std::string>& source, bool groupbase,
                    const FoldStyle& style);

/// One group of a -l/-L listing.
struct GroupListing {
  std::string source;
  std::string group;
  std::string word;   ///< as -l prints it: "@compute", or "@source:compute" with -s and no -G
  NodeSet members;    ///< the group's nodes (with a filter: those in the filter)
  std::size_t total;  ///< the group's size
};

/// The groups of the source (all of them, or those holding some of `nodes`
/// when `filtered`), in the source's order.
std::vector<GroupListing> group_list(const GroupResolver& groups, const NodeSet& nodes,
                                     const std::optional<std::string>& source, bool groupbase,
                                     bool filtered);

/// -l/-ll/-lll as ClusterShell prints `listing`: the word; then the nodes;
/// then their count (count/total when `filtered`).
void print_group_list(std::ostream& out, const std::vector<GroupListing>& listing, int level,
                      bool filtered);

}  // namespace greenlight::app
