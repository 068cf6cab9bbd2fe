// UTF-8 as Python decodes it with errors="surrogateescape" (PEP 383): the
// one decoder of core's text functions (percent_format.cpp, python_digit.cpp).
#pragma once

#include <cstddef>
#include <string_view>

namespace greenlight::detail {

/// One code point of UTF-8 text, or one byte that starts no well-formed
/// sequence (a stray continuation byte, an overlong form, a surrogate, a
/// code point past U+10FFFF, a cut sequence), held as Python holds it:
/// U+DC80..U+DCFF, length 1.
struct CodePoint {
  char32_t value;
  std::size_t length;  ///< bytes, 1 to 4
};

/// The code point at byte `at` of `text` (at < text.size()). Pure.
constexpr CodePoint decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  const CodePoint escaped{0xdc00u + lead, 1};
  const std::size_t length = lead >= 0xf0 && lead < 0xf5 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (length == 0 || at + length > text.size()) return escaped;
  char32_t value = lead & (0x7f >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return escaped;
    value = (value << 6) | (byte(i) & 0x3f);
  }
  if ((length == 3 && value < 0x800) || (length == 4 && (value < 0x10000 || value > 0x10ffff)) ||
      (value >= 0xd800 && value <= 0xdfff))
    return escaped;
  return {value, length};
}

}  // namespace greenlight::detail
