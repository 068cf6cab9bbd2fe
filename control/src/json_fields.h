// JSON reading for the control protocol: one object per line, strict
// fields with messages that name what is wrong.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight::control::detail {

using nlohmann::json;

/// The object on `line`; ProtocolError when it is not one (or too long, or
/// nested deeper than requests and events ever are).
json parse_object(std::string_view line);
/// `value` as one line, '\n' included; invalid UTF-8 becomes U+FFFD.
std::string line_of(const json& value);

/// Typed reads of an object's fields; ProtocolError names the field.
class Fields {
 public:
  Fields(const json& object, std::string what) : object_(object), what_(std::move(what)) {}
  std::string string(const char* key, bool required = false);
  std::optional<bool> boolean(const char* key);
  std::uint64_t number(const char* key, bool required = false);
  const json* get(const char* key, bool required);
  /// Requests are strict: a field nobody reads is a mistake of the sender.
  void finish() const;

 private:
  const json& object_;
  std::string what_;
  std::vector<std::string> asked_;
};

}  // namespace greenlight::control::detail
