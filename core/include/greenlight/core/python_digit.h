// Digits outside ASCII as ClusterShell's Python sees them: its node set
// parser matches digits with the regular expression \d and reads them with
// int(), and both accept every Unicode decimal digit (category Nd: U+0661
// ARABIC-INDIC DIGIT ONE, U+FF11 FULLWIDTH DIGIT ONE, ...), so that
// ClusterShell reads "n\u0661" as n1. greenlight refuses such a digit in a
// node name instead of guessing a machine from it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight {

/// A Unicode decimal digit outside ASCII found in UTF-8 text.
struct NonAsciiDigit {
  std::size_t offset = 0;  ///< byte offset of its first byte in the text searched
  std::size_t length = 0;  ///< its UTF-8 length in bytes, 2 to 4
  char32_t code_point = 0;
  int value = 0;  ///< 0-9, as Python's int() reads it
};

/// The first character of `text` that Python's str.isdecimal() accepts and
/// that is not an ASCII digit, or nullopt. The table is CPython 3.11's
/// (Objects/unicodetype_db.h, Unicode 14.0), the Python of Debian 12's
/// ClusterShell 1.9. Bytes that are not valid UTF-8 are skipped (Python
/// reads them as surrogate escapes, none a digit). Pure; any thread.
std::optional<NonAsciiDigit> find_non_ascii_digit(std::string_view text);

/// `digit` (found in `text`) in an error's words: `a digit outside ASCII,
/// U+0661 "\u0661" (ClusterShell reads it as 1)`. Pure; any thread.
std::string describe(const NonAsciiDigit& digit, std::string_view text);

}  // namespace greenlight
