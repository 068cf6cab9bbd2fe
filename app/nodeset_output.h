// Output rules of `greenlight nodeset` (Python %-formatting of -O, -S
// escapes, group listings) and the group sources it reads.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "command.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::app {

/// ClusterShell's group configuration (see load_clustershell_groups).
std::shared_ptr<GroupResolver> load_nodeset_groups(const Invocation& invocation);

/// Python string escapes in a -S separator ("\n", "\t", "\x2c", ...).
std::string unescape_separator(const std::string& separator);

/// `format % value` for the one "%s" (or %d/%i for counts) that ClusterShell
/// allows; throws std::invalid_argument with Python's message otherwise.
std::string format_one(const std::string& format, const std::string& value, bool numeric);

std::string expand_with_format(const NodeSet& nodes, const std::string& format,
                               const std::string& separator);
std::string fold_with_format(const NodeSet& nodes, const std::string& format);
std::string format_count(const std::string& format, std::size_t count);

/// -l/-ll/-lll: the groups of the source (all of them, or those holding
/// some of `nodes` when `filtered`).
void print_group_list(std::ostream& out, const GroupResolver& groups, const NodeSet& nodes,
                      int level, const std::optional<std::string>& source, bool groupbase,
                      bool filtered);

}  // namespace greenlight::app
