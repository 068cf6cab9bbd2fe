// Blanks as ClusterShell's Python sees them: str.strip(), str.split() and
// int() without arguments remove what str.isspace() accepts. On ASCII that
// is C's six blanks and the information separators \x1c-\x1f; beyond it,
// in UTF-8, U+0085, U+00A0 (the no-break space a node list copied from a
// web page carries), U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F
// and U+3000 (CPython's Objects/unicodetype_db.h, _PyUnicode_IsWhitespace).
// greenlight's node set and range set readers and `greenlight nodeset`'s
// standard input use these, so that a set reads the same in both.
#pragma once

#include <cstddef>
#include <string_view>

namespace greenlight {

/// True for the ASCII bytes Python's str.isspace() accepts. Pure.
constexpr bool is_python_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

/// The length in bytes of the Python blank `text` starts with: 1 for an
/// ASCII one, 2 or 3 for the UTF-8 encoding of a Unicode one, 0 when it
/// starts with none. UTF-8 lead bytes are never continuation bytes, so a
/// match is a whole character even in text that is not valid UTF-8 (Python
/// reads such bytes as surrogate escapes, none of them a blank). Pure.
constexpr std::size_t python_space_at_front(std::string_view text) {
  if (text.empty()) return 0;
  if (is_python_space(text[0])) return 1;
  const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && byte(0) == 0xc2 && (byte(1) == 0x85 || byte(1) == 0xa0)) return 2;
  if (text.size() < 3) return 0;
  if (byte(0) == 0xe1) return byte(1) == 0x9a && byte(2) == 0x80 ? 3 : 0;
  if (byte(0) == 0xe3) return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;
  if (byte(0) != 0xe2) return 0;
  if (byte(1) == 0x81) return byte(2) == 0x9f ? 3 : 0;
  if (byte(1) != 0x80) return 0;
  const unsigned char last = byte(2);
  return (last >= 0x80 && last <= 0x8a) || last == 0xa8 || last == 0xa9 || last == 0xaf ? 3 : 0;
}

/// The length in bytes of the Python blank `text` ends with, as
/// python_space_at_front; 0 when it ends with none. Pure.
constexpr std::size_t python_space_at_back(std::string_view text) {
  if (text.empty()) return 0;
  if (is_python_space(text.back())) return 1;
  for (const std::size_t length : {std::size_t{2}, std::size_t{3}}) {
    if (text.size() >= length && python_space_at_front(text.substr(text.size() - length)) == length)
      return length;
  }
  return 0;
}

/// `text` without its leading Python blanks (a view into it): lstrip(). Pure.
constexpr std::string_view python_lstrip(std::string_view text) {
  while (const std::size_t n = python_space_at_front(text)) text.remove_prefix(n);
  return text;
}

/// `text` without its trailing Python blanks (a view into it): rstrip(). Pure.
constexpr std::string_view python_rstrip(std::string_view text) {
  while (const std::size_t n = python_space_at_back(text)) text.remove_suffix(n);
  return text;
}

/// `text` without leading and trailing Python blanks (a view into it). Pure.
constexpr std::string_view python_strip(std::string_view text) {
  return python_rstrip(python_lstrip(text));
}

/// `text` without the blanks Python's int() skips around a number: every
/// blank of python_strip() but the separators \x1c-\x1f (CPython's
/// _PyUnicode_TransformDecimalAndSpaceToASCII turns the Unicode ones into
/// spaces, then PyLong_FromString skips C's six). A view into it. Pure.
constexpr std::string_view python_int_strip(std::string_view text) {
  const auto separator = [](char c) { return c >= '\x1c' && c <= '\x1f'; };
  while (!text.empty() && !separator(text.front())) {
    const std::size_t n = python_space_at_front(text);
    if (n == 0) break;
    text.remove_prefix(n);
  }
  while (!text.empty() && !separator(text.back())) {
    const std::size_t n = python_space_at_back(text);
    if (n == 0) break;
    text.remove_suffix(n);
  }
  return text;
}

}  // namespace greenlight
