#include "json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "greenlight/control/protocol.h"
#include "greenlight/core/json.h"

namespace greenlight::control::detail {
namespace {

// Requests and events are flat: anything nested deeper is refused before
// nlohmann builds (and later destroys) a tree of it.
constexpr int kMaxDepth = 4;

}  // namespace

json parse_object(std::string_view line) {
  if (line.size() > kMaxLine)
    throw ProtocolError(fmt::format("line longer than {} bytes", kMaxLine));
  if (json_too_deep(line, kMaxDepth))
    throw ProtocolError(fmt::format("nested more than {} levels deep", kMaxDepth));
  // A key given twice would be taken as its last value by nlohmann, so
  // a request could say one thing to a reader and another to greenlight
  // (RFC 8259 4: names SHOULD be unique): refused.
  std::vector<std::vector<std::string>> keys;  // per open object
  auto unique_keys = [&keys](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.empty()) {
      auto& seen = keys.back();
      const auto& key = parsed.get_ref<const std::string&>();
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        throw ProtocolError(fmt::format("key \"{}\" given twice", key));
      seen.push_back(key);
    }
    return true;
  };
  json value;
  try {
    value = json::parse(line, unique_keys);
  } catch (const json::exception& error) {
    // parse_error, and out_of_range for a number too large ("1e999").
    std::string what = error.what();
    const auto end = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
      what = what.substr(end + 2);
    throw ProtocolError("not JSON: " + what);
  }
  if (!value.is_object()) throw ProtocolError("expected a JSON object, one per line");
  return value;
}

std::string line_of(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string Fields::string(const char* key, bool required) {
  const json* v = get(key, required);
  if (v == nullptr) return {};
  if (!v->is_string()) throw ProtocolError(fmt::format("{}: \"{}\" must be a string", what_, key));
  std::string out = v->get<std::string>();
  if (required && out.empty()) throw ProtocolError(fmt::format("{}: \"{}\" is empty", what_, key));
  // "\u0000" is valid JSON, but a run name, path or reason cut at it would
  // name something else (a run "r\u0000x" acted on run r).
  if (out.find('\0') != std::string::npos)
    throw ProtocolError(fmt::format("{}: \"{}\" holds a NUL byte (\\u0000)", what_, key));
  return out;
}

std::optional<bool> Fields::boolean(const char* key) {
  const json* v = get(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean())
    throw ProtocolError(fmt::format("{}: \"{}\" must be true or false", what_, key));
  return v->get<bool>();
}

std::uint64_t Fields::number(const char* key, bool required) {
  const json* v = get(key, required);
  if (v == nullptr) return 0;
  if (!v->is_number_unsigned())
    throw ProtocolError(fmt::format("{}: \"{}\" must be a positive integer", what_, key));
  return v->get<std::uint64_t>();
}

const json* Fields::get(const char* key, bool required) {
  asked_.push_back(key);
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) {
    if (required) throw ProtocolError(fmt::format("{}: \"{}\" is missing", what_, key));
    return nullptr;
  }
  return &*it;
}

void Fields::finish() const {
  for (const auto& item : object_.items()) {
    if (std::find(asked_.begin(), asked_.end(), item.key()) == asked_.end())
      throw ProtocolError(fmt::format("{}: unknown field \"{}\"", what_, item.key()));
  }
}

}  // namespace greenlight::control::detail
