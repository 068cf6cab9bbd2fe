// XML character data decoding for the hand-written heal info scanner.
#pragma once

#include <string>
#include <string_view>

namespace greenlight::checks::detail {

/// Replaces the predefined entities and numeric character references; an
/// unknown or malformed reference is kept as written.
std::string decode_xml_text(std::string_view text);

}  // namespace greenlight::checks::detail
