// Shared pieces of the GlusterFS CLI XML parsers (private to checks).
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "greenlight/checks/parsed.h"

namespace greenlight::checks::detail {

/// Loads `xml` into `doc` and checks the <cliOutput> envelope: well-formed,
/// root <cliOutput>, <opRet> 0. Returns the error reason, or nullopt when
/// `doc` can be read. `what` names the command for messages.
std::optional<std::string> load_cli_output(pugi::xml_document& doc, std::string_view xml,
                                           std::string_view what);

/// Trimmed text of child `name` of `node`; empty when absent.
std::string child_text(const pugi::xml_node& node, const char* name);

/// Strict decimal parse of the whole trimmed text; nullopt otherwise.
std::optional<std::int64_t> to_int(std::string_view text);
std::optional<std::uint64_t> to_uint(std::string_view text);

std::string_view trim(std::string_view text);

}  // namespace greenlight::checks::detail
