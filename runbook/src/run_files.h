// The files of a run's directory (the journal, its outline, the gate
// status): text with one record a line and fields separated by tabs, so a
// field's tab, newline and backslash are escaped as \t, \n and \\; and
// files written whole and synced to disk before they are relied upon.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace greenlight::runbook {

/// `field` with \t, \n and \\ escaped. Pure.
std::string escape_field(std::string_view field);
/// The inverse of escape_field; a lone trailing backslash is kept. Pure.
std::string unescape_field(std::string_view field);

/// Writes `text` to `path` and syncs it (fsync) before closing. `replace`:
/// truncates an existing file; otherwise the file must be new (O_EXCL).
/// Returns errno's text when it could not, empty on success.
std::string write_synced(const std::filesystem::path& path, std::string_view text, bool replace);

}  // namespace greenlight::runbook
