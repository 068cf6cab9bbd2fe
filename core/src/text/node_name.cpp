#include "greenlight/core/node_name.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "greenlight/core/percent_format.h"

namespace greenlight {
namespace {

bool plain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (c == ' ') return "a space";
  if (c == '\n') return "a newline";
  if (c == '\t') return "a tab";
  if (byte < 0x20 || byte == 0x7f)
    return fmt::format("the control byte 0x{:02x}", static_cast<unsigned>(byte));
  if (byte >= 0x80) return fmt::format("the non-ASCII byte 0x{:02x}", static_cast<unsigned>(byte));
  return fmt::format("'{}'", c);
}

}  // namespace

bool is_plain_name(std::string_view name) { return why_not_plain(name).empty(); }

std::string why_not_plain(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.front() == '-') return "it starts with '-' (it would read as an option)";
  const auto bad = std::find_if_not(name.begin(), name.end(), plain_char);
  if (bad != name.end()) return "it holds " + describe_char(*bad);
  if (!std::isalnum(static_cast<unsigned char>(name.front())))
    return fmt::format("it starts with '{}', not a letter or digit", name.front());
  return {};
}

std::string unsafe_name_message(std::string_view origin, std::string_view what,
                                std::string_view name) {
  const std::string why = why_not_plain(name);
  if (why.empty()) return {};
  return fmt::format(
      "{}: refusing the {} {}: {}; a name from a dynamic source must be letters, digits, "
      "'.', '_' or '-', starting with a letter or digit, before it goes into any command",
      origin, what, python_repr(name), why);
}

void refuse_unless_plain(std::string_view origin, std::string_view what, std::string_view name) {
  if (std::string message = unsafe_name_message(origin, what, name); !message.empty())
    throw UnsafeNameError(message);
}

}  // namespace greenlight
