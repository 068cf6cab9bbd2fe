// Names that come from outside the operator's files: the nodes and groups a
// group upcall prints, the VM names of the fleet check's facts. greenlight
// puts node names into commands (an SSH host, a template's words, the power
// command's {node}); a name such as "x;reboot", "$(reboot)", "-oProxyCommand=..."
// or one with a newline must never get that far. This header owns the rule:
// a plain name is [A-Za-z0-9][A-Za-z0-9._-]*, and a name from a dynamic
// source that is not plain is refused before any command is built.
#pragma once

#include <string>
#include <string_view>

#include "greenlight/core/nodeset.h"

namespace greenlight {

/// True for a plain host, group, unit or VM name: a letter or digit, then
/// letters, digits, '.', '_' or '-'. Pure; any thread.
bool is_plain_name(std::string_view name);

/// Why `name` is not plain, in words ("it holds ';'", "it starts with '-'
/// (it would read as an option)"); "" when it is. Pure; any thread.
std::string why_not_plain(std::string_view name);

/// A name from a dynamic source that is not plain. A GroupResolutionError,
/// so that every caller resolving a node set reports it as such.
class UnsafeNameError : public GroupResolutionError {
 public:
  using GroupResolutionError::GroupResolutionError;
};

/// The refusal of `name` ("" when it is plain), as refuse_unless_plain
/// words it. Pure; any thread.
std::string unsafe_name_message(std::string_view origin, std::string_view what,
                                std::string_view name);

/// Throws UnsafeNameError when `name` is not plain. `origin` says where the
/// name came from ("group source \"vm\""), `what` what it is ("node name",
/// "group name"); the message shows the name escaped (Python's repr: quotes,
/// backslash escapes for control and non-ASCII bytes) and why it is refused.
void refuse_unless_plain(std::string_view origin, std::string_view what, std::string_view name);

}  // namespace greenlight
