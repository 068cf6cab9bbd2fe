// Shared pieces of the GlusterFS CLI XML parsers (private to checks).
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "greenlight/checks/parsed.h"
#include "text.h"

namespace greenlight::checks::detail {

/// Loads `xml` into `doc` and checks the <cliOutput> envelope: well-formed,
/// root <cliOutput>, <opRet> 0. Returns the error reason, or nullopt when
/// `doc` can be read. `what` names the command for messages.
std::optional<std::string> load_cli_output(pugi::xml_document& doc, std::string_view xml,
                                           std::string_view what);

/// Trimmed text of child `name` of `node`; empty when absent.
std::string child_text(const pugi::xml_node& node, const char* name);

}  // namespace greenlight::checks::detail
