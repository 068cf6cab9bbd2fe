// JSON strings for the JSON that greenlight writes (`check -o json`,
// `exec -o json`, the exporter's /api/v1 bodies).
#pragma once

#include <string>
#include <string_view>

namespace greenlight {

/// `text` as a quoted JSON string. Bytes that are not valid UTF-8 (a remote
/// command's binary output) become U+FFFD, so the document stays valid JSON.
std::string json_string(std::string_view text);

}  // namespace greenlight
