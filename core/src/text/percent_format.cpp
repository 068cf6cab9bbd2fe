// Follows CPython's PyUnicode_Format (Objects/unicodeobject.c) for a single,
// non-tuple argument: the same order of checks, hence the same error for a
// format that is wrong in several ways.
#include "greenlight/core/percent_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "text/utf8.h"

namespace greenlight {
namespace {

using detail::CodePoint;

CodePoint decode(std::string_view text, std::size_t at) { return detail::decode_utf8(text, at); }

void encode(std::string& out, char32_t c) {
  if (c >= 0xdc80 && c <= 0xdcff) {  // an undecodable byte goes back as it came
    out += static_cast<char>(c - 0xdc00);
  } else if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); i += decode(text, i).length) ++count;
  return count;
}

// The first `count` code points of `text`.
std::string_view prefix_of(std::string_view text, std::size_t count) {
  std::size_t i = 0;
  for (; i < text.size() && count > 0; --count) i += decode(text, i).length;
  return text.substr(0, i);
}

// Python's str.isprintable() outside ASCII, for the code points that
// differ in practice: C1 controls, no-break space, soft hyphen, surrogates.
bool printable(char32_t c) {
  return !(c <= 0xa0 || c == 0xad || (c >= 0xd800 && c <= 0xdfff) || c == 0x2028 ||
           c == 0x2029 || c == 0xfeff);
}

std::string quoted(std::string_view text, bool ascii_only) {
  const bool single = text.find('\'') != std::string_view::npos;
  const bool dbl = text.find('"') != std::string_view::npos;
  const char quote = single && !dbl ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t i = 0; i < text.size();) {
    const CodePoint cp = decode(text, i);
    const char32_t c = cp.value;
    i += cp.length;
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < ' ' || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else if (c < 0x7f || (!ascii_only && printable(c))) {
      encode(out, c);
    } else if (c <= 0xff) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else if (c <= 0xffff) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += fmt::format("\\U{:08x}", static_cast<unsigned>(c));
    }
  }
  out += quote;
  return out;
}

struct Spec {
  bool left = false, sign = false, space = false, alternate = false, zero = false;
  std::size_t width = 0;
  std::optional<std::size_t> precision;
};

std::string padded(std::string text, const Spec& spec) {
  const std::size_t length = code_points(text);
  if (length >= spec.width) return text;
  const std::string fill(spec.width - length, ' ');
  return spec.left ? text + fill : fill + text;
}

std::string integer(std::int64_t value, char type, const Spec& spec) {
  const bool negative = value < 0;
  const auto magnitude =
      negative ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(value)
               : static_cast<std::uint64_t>(value);
  std::string digits = type == 'o'   ? fmt::format("{:o}", magnitude)
                       : type == 'x' ? fmt::format("{:x}", magnitude)
                       : type == 'X' ? fmt::format("{:X}", magnitude)
                                     : fmt::format("{}", magnitude);
  if (spec.precision && digits.size() < *spec.precision)
    digits.insert(0, *spec.precision - digits.size(), '0');
  std::string prefix = negative ? "-" : spec.sign ? "+" : spec.space ? " " : "";
  if (spec.alternate && type == 'o') prefix += "0o";
  if (spec.alternate && type == 'x') prefix += "0x";
  if (spec.alternate && type == 'X') prefix += "0X";
  if (spec.zero && !spec.left && prefix.size() + digits.size() < spec.width)
    digits.insert(0, spec.width - prefix.size() - digits.size(), '0');
  return padded(prefix + digits, spec);
}

std::string floating(double value, char type, const Spec& spec) {
  std::string c_format = "%";
  if (spec.left) c_format += '-';
  if (spec.sign) c_format += '+';
  if (spec.space) c_format += ' ';
  if (spec.alternate) c_format += '#';
  if (spec.zero) c_format += '0';
  if (spec.width > 0) c_format += std::to_string(spec.width);
  c_format += '.' + std::to_string(spec.precision.value_or(6));
  c_format += type;
  std::vector<char> buffer(spec.width + spec.precision.value_or(6) + 400);
  // The format is built here from checked flags, digits and one of eEfFgG.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  const int length = std::snprintf(buffer.data(), buffer.size(), c_format.c_str(), value);
#pragma GCC diagnostic pop
  return std::string(buffer.data(), static_cast<std::size_t>(std::max(length, 0)));
}

[[noreturn]] void refuse(const std::string& message) { throw PercentFormatError(message); }

}  // namespace

std::string python_repr(std::string_view text) { return quoted(text, false); }

std::string percent_format(std::string_view format, const PercentValue& value) {
  const auto* text = std::get_if<std::string_view>(&value);
  const auto* number = std::get_if<std::int64_t>(&value);
  const auto* object = std::get_if<PercentObject>(&value);
  const std::string type_name = object != nullptr ? std::string(object->type_name) : "str";
  bool consumed = false;
  auto take = [&]() {
    if (consumed) refuse("not enough arguments for format string");
    consumed = true;
  };
  std::string out;
  std::size_t index = 0;  // code points before `i`, for Python's messages
  for (std::size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      const std::size_t length = decode(format, i).length;
      out.append(format.substr(i, length));
      i += length;
      ++index;
      continue;
    }
    auto next = [&]() -> char {
      ++i;
      ++index;
      if (i >= format.size()) refuse("incomplete format");
      return format[i];
    };
    char c = next();
    if (c == '%') {
      out += '%';
      ++i;
      ++index;
      continue;
    }
    if (c == '(') refuse("format requires a mapping");
    Spec spec;
    for (;; c = next()) {
      if (c == '-') {
        spec.left = true;
      } else if (c == '+') {
        spec.sign = true;
      } else if (c == ' ') {
        spec.space = true;
      } else if (c == '#') {
        spec.alternate = true;
      } else if (c == '0') {
        spec.zero = true;
      } else {
        break;
      }
    }
    auto digits = [&](std::size_t& target) {
      if (c == '*') {
        take();
        if (number == nullptr) refuse("* wants int");
        target = static_cast<std::size_t>(*number < 0 ? -*number : *number);
        if (*number < 0) spec.left = true;
        c = next();
        return;
      }
      while (c >= '0' && c <= '9') {
        target = target * 10 + static_cast<std::size_t>(c - '0');
        if (target > 1'000'000) refuse("width too big");
        c = next();
      }
    };
    digits(spec.width);
    if (c == '.') {
      c = next();
      std::size_t precision = 0;
      digits(precision);
      spec.precision = precision;
    }
    while (c == 'h' || c == 'l' || c == 'L') c = next();
    if (c == '%') {
      refuse(fmt::format("unsupported format character '%' (0x25) at index {}", index));
    }
    const std::string conversions = "sradiuoxXeEfFgGc";
    if (conversions.find(c) == std::string::npos) {
      const CodePoint cp = decode(format, i);
      std::string shown;
      encode(shown, cp.value);
      refuse(fmt::format("unsupported format character '{}' (0x{:x}) at index {}", shown,
                         static_cast<std::uint32_t>(cp.value), index));
    }
    take();
    const std::string as_text = text != nullptr     ? std::string(*text)
                                : object != nullptr ? std::string(object->text)
                                                    : std::to_string(*number);
    std::string piece;
    switch (c) {
      case 's':
      case 'r':
      case 'a': {
        std::string shown = c == 's' || text == nullptr ? as_text : quoted(as_text, c == 'a');
        if (spec.precision) shown = std::string(prefix_of(shown, *spec.precision));
        piece = padded(std::move(shown), spec);
        break;
      }
      case 'c':
        if (number != nullptr) {
          if (*number < 0 || *number > 0x10ffff) refuse("%c arg not in range(0x110000)");
          encode(piece, static_cast<char32_t>(*number));
        } else if (text != nullptr && code_points(*text) == 1) {
          piece = std::string(*text);
        } else {
          refuse("%c requires int or char");
        }
        piece = padded(std::move(piece), spec);
        break;
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        if (number == nullptr) {
          refuse(c == 'd' || c == 'i' || c == 'u'
                     ? fmt::format("%{} format: a real number is required, not {}", c, type_name)
                     : fmt::format("%{} format: an integer is required, not {}", c, type_name));
        }
        piece = integer(*number, c == 'u' || c == 'i' ? 'd' : c, spec);
        break;
      default:
        if (number == nullptr) refuse(fmt::format("must be real number, not {}", type_name));
        piece = floating(static_cast<double>(*number), c, spec);
        break;
    }
    out += piece;
    i += 1;
    ++index;
  }
  if (!consumed && object == nullptr) refuse("not all arguments converted during string formatting");
  return out;
}

}  // namespace greenlight
