// JSON strings for the JSON that greenlight writes (`check -o json`,
// `exec -o json`, the exporter's /api/v1 bodies), and a depth guard for the
// JSON it reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight {

/// `text` as a quoted JSON string. Bytes that are not valid UTF-8 (a remote
/// command's binary output) become U+FFFD, so the document stays valid JSON.
std::string json_string(std::string_view text);

/// `text` with every byte that is not part of valid UTF-8 replaced by
/// U+FFFD (nlohmann's reading of UTF-8); valid text is returned as it is.
std::string valid_utf8(std::string_view text);

/// The byte offset where `text` opens its array or object number
/// `max_depth + 1` deep, nullopt when it never nests that deep. Run before
/// parsing input from elsewhere: nlohmann would build, then destroy, a tree
/// of any depth. Strings (and their escapes) are skipped.
std::optional<std::size_t> json_too_deep(std::string_view text, int max_depth);

}  // namespace greenlight
