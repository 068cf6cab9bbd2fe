// Blanks as ClusterShell's Python sees them: str.strip() and int() without
// arguments remove what str.isspace() accepts. On ASCII that is C's six
// blanks and the information separators \x1c-\x1f (Python's
// Objects/unicodetype_db.h); greenlight's node set and range set readers
// strip the same bytes so that a set reads the same in both.
#pragma once

#include <string_view>

namespace greenlight::detail {

/// True for the ASCII bytes Python's str.isspace() accepts.
constexpr bool is_python_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

/// `text` without its leading Python blanks (a view into it): lstrip().
constexpr std::string_view python_lstrip(std::string_view text) {
  while (!text.empty() && is_python_space(text.front())) text.remove_prefix(1);
  return text;
}

/// `text` without its trailing Python blanks (a view into it): rstrip().
constexpr std::string_view python_rstrip(std::string_view text) {
  while (!text.empty() && is_python_space(text.back())) text.remove_suffix(1);
  return text;
}

/// `text` without leading and trailing Python blanks (a view into it).
constexpr std::string_view python_strip(std::string_view text) {
  return python_rstrip(python_lstrip(text));
}

}  // namespace greenlight::detail
