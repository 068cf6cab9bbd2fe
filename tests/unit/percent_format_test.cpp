// `nodeset -O` formats: Python's % operator with one value. Expected
// strings are what python3 prints for the same format and value.
#include "greenlight/core/percent_format.h"

#include <catch2/catch.hpp>

using greenlight::percent_format;
using greenlight::PercentFormatError;
using greenlight::PercentObject;

namespace {
std::string text(const char* format, const char* value) {
  return percent_format(format, std::string_view(value));
}
std::string number(const char* format, std::int64_t value) { return percent_format(format, value); }
}  // namespace

TEST_CASE("strings: flags, width, precision, repr and ascii as Python") {
  CHECK(text("%-8s|", "node1") == "node1   |");
  CHECK(text("%8s|", "node1") == "   node1|");
  CHECK(text("%05s", "ab") == "   ab");
  CHECK(text("%.2s", "h\xc3\xa9llo") == "h\xc3\xa9");
  CHECK(text("%r", "a'b") == "\"a'b\"");
  CHECK(text("%r", "a'b\"c") == "'a\\'b\"c'");
  CHECK(text("%r", "tab\there") == "'tab\\there'");
  CHECK(text("%5.1r", "abc") == "    '");
  CHECK(text("%a", "h\xc3\xa9") == "'h\\xe9'");
  CHECK(text("%%%s%%", "n1") == "%n1%");
  CHECK(text("%c", "a") == "a");
  CHECK(text("pcocc-vm-%s.service", "n1") == "pcocc-vm-n1.service");
}

TEST_CASE("numbers: every integer and float conversion as Python") {
  CHECK(number("%05.3d", 5) == "00005");
  CHECK(number("%-06d|", 5) == "5     |");
  CHECK(number("% d", 5) == " 5");
  CHECK(number("%+ d", 5) == "+5");
  CHECK(number("%#x", 0) == "0x0");
  CHECK(number("%#o", 8) == "0o10");
  CHECK(number("%#X", 255) == "0XFF");
  CHECK(number("%.3x", 5) == "005");
  CHECK(number("%#.3o", 5) == "0o005");
  CHECK(number("%-#8x|", 5) == "0x5     |");
  CHECK(number("%#08x", 5) == "0x000005");
  CHECK(number("%+.3e", 5) == "+5.000e+00");
  CHECK(number("%#g", 5) == "5.00000");
  CHECK(number("%08.3f", 3) == "0003.000");
  CHECK(number("%e", 123456789) == "1.234568e+08");
  CHECK(number("%5c", 65) == "    A");
  CHECK(number("%hd %%", 3) == "3 %");
  CHECK(number("%s", 12) == "12");
}

TEST_CASE("formats Python refuses are refused with Python's message") {
  CHECK_THROWS_WITH(text("%5%", "x"), "unsupported format character '%' (0x25) at index 2");
  CHECK_THROWS_WITH(text("%z", "x"), "unsupported format character 'z' (0x7a) at index 1");
  CHECK_THROWS_WITH(text("abc%", "x"), "incomplete format");
  CHECK_THROWS_WITH(text("abc", "x"), "not all arguments converted during string formatting");
  CHECK_THROWS_WITH(text("%s%s", "x"), "not enough arguments for format string");
  CHECK_THROWS_WITH(text("%d", "x"), "%d format: a real number is required, not str");
  CHECK_THROWS_WITH(text("%(a)s", "x"), "format requires a mapping");
  CHECK_THROWS_WITH(text("%c", "ab"), "%c requires int or char");
  CHECK_THROWS_AS(number("%*d", 5), PercentFormatError);
  CHECK_THROWS_AS(number("%c", 0x110000), PercentFormatError);
}

TEST_CASE("a range set is a mapping to %: no conversion is no error") {
  CHECK(percent_format("x", PercentObject{"1-3", "RangeSet"}) == "x");
  CHECK(percent_format("%5s|", PercentObject{"1-3", "RangeSet"}) == "  1-3|");
  CHECK_THROWS_WITH(percent_format("%d", PercentObject{"1-3", "RangeSet"}),
                    "%d format: a real number is required, not RangeSet");
}
