// greenlight(1): the manual page written from what --help says
// (help_tree.h), so that the two never part. `greenlight help --man` prints
// it; the build installs it under share/man/man1.
#pragma once

#include <string>
#include <string_view>

#include "help_tree.h"

namespace greenlight::app {

/// The page in roff with the man(7) macros: NAME, SYNOPSIS, DESCRIPTION,
/// OPTIONS (root's), COMMANDS (every command and subcommand of `root`
/// with its synopsis, description, options, operands and examples),
/// ENVIRONMENT, FILES, EXAMPLES (root's), SEE ALSO. `version` goes into
/// the title line. Pure.
std::string manual_page(const HelpCommand& root, std::string_view version);

}  // namespace greenlight::app
