// Python's `format % value` for one value: the output formats of
// ClusterShell's `nodeset -O`, which hands every node name (a str) or the
// node count (an int) to Python's % operator.
//
// Source of the format: Python 3's printf-style string formatting
// (docs.python.org, "printf-style String Formatting"): conversion
// specifiers `%[flags][width][.precision][length]type` with flags "#0- +",
// types d i o u x X e E f F g G c r s a and "%%". Widths and precisions
// count characters (UTF-8 code points), as Python counts them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace greenlight {

/// A format that Python would refuse with this value; what() is Python's
/// message ("unsupported format character 'z' (0x7a) at index 1",
/// "not all arguments converted during string formatting", ...).
class PercentFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value that is neither str nor int, such as a ClusterShell RangeSet:
/// str() and repr() are `text`, and being indexable it counts as a mapping
/// (a format without conversions is not an error).
struct PercentObject {
  std::string_view text;
  std::string_view type_name;  ///< for Python's messages ("RangeSet")
};

/// The one value given to %: a str, an int, or another object.
using PercentValue = std::variant<std::string_view, std::int64_t, PercentObject>;

/// `format % value` as Python 3 computes it. Throws PercentFormatError.
/// Pure function; any thread.
std::string percent_format(std::string_view format, const PercentValue& value);

/// Python's repr() of a str: quoted, with backslash escapes.
std::string python_repr(std::string_view text);

}  // namespace greenlight
