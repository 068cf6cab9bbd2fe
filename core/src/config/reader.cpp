#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "greenlight/core/config_value.h"
#include "greenlight/core/one_line.h"

namespace greenlight::config {

std::string Mark::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.scalar == key) return &v;
  }
  return nullptr;
}

std::string Value::describe() const {
  switch (kind) {
    case Kind::kScalar:
      return fmt::format("the value '{}'", scalar);
    case Kind::kSequence:
      return "a list";
    case Kind::kMapping:
      return "a mapping";
    default:
      return "nothing";
  }
}

void Diagnostics::error(const Mark& mark, std::string message, std::string hint) {
  std::string line = one_line(message);
  if (!seen_.emplace(mark.file, mark.line, mark.column, line).second) return;
  errors_.push_back({mark, std::move(line), one_line(hint)});
}

std::string Diagnostics::format() const {
  auto sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.mark.file, a.mark.line, a.mark.column) <
           std::tie(b.mark.file, b.mark.line, b.mark.column);
  });
  std::string out;
  for (const auto& d : sorted) {
    out += fmt::format("{}: error: {}", d.mark.str(), d.message);
    if (!d.hint.empty()) out += fmt::format(" ({})", d.hint);
    out += '\n';
  }
  return out;
}

namespace {

// Digits and a unit, repeated ("1h30m", "99999999h"): a duration by its
// shape, whatever its size.
bool duration_shaped(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits || pos == text.size()) return false;
    if (text.substr(pos, 2) == "ms") {
      pos += 2;
    } else if (text[pos] == 's' || text[pos] == 'm' || text[pos] == 'h') {
      ++pos;
    } else {
      return false;
    }
  }
  return !text.empty();
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::chrono::milliseconds total{0};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t number = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), number);
    // Each part at most kMaxDuration's hours: the sum cannot overflow, and
    // a deadline past it is refused below.
    if (ec != std::errc() || number < 0 || number > kMaxDuration.count() / 3'600'000 * 3'600'000)
      return std::nullopt;
    pos = static_cast<std::size_t>(ptr - text.data());
    std::string_view unit = text.substr(pos);
    if (unit.rfind("ms", 0) == 0) {
      total += std::chrono::milliseconds(number);
      pos += 2;
    } else if (!unit.empty() && unit[0] == 's') {
      total += std::chrono::seconds(number);
      pos += 1;
    } else if (!unit.empty() && unit[0] == 'm') {
      total += std::chrono::minutes(number);
      pos += 1;
    } else if (!unit.empty() && unit[0] == 'h') {
      total += std::chrono::hours(number);
      pos += 1;
    } else {
      return std::nullopt;
    }
    if (total > kMaxDuration) return std::nullopt;
  }
  return total;
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    std::vector<std::size_t> row(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min(
            {row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[candidate.size()] < best_distance) {
      best_distance = row[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

std::optional<std::string> read_string(const Value& value, Diagnostics& diagnostics,
                                       std::string_view what) {
  if (!value.is_scalar()) {
    diagnostics.error(value.mark,
                      fmt::format("{}: expected a string, found {}", what, value.describe()));
    return std::nullopt;
  }
  return value.scalar;
}

std::optional<std::int64_t> read_integer(const Value& value, Diagnostics& diagnostics,
                                         std::string_view what) {
  std::int64_t number = 0;
  if (value.is_scalar() && !value.quoted) {
    auto [ptr, ec] =
        std::from_chars(value.scalar.data(), value.scalar.data() + value.scalar.size(), number);
    if (ec == std::errc() && ptr == value.scalar.data() + value.scalar.size()) return number;
  }
  diagnostics.error(value.mark,
                    fmt::format("{}: expected a whole number, found {}", what, value.describe()));
  return std::nullopt;
}

namespace {
thread_local KeyRecording* recording = nullptr;
}  // namespace

KeyRecording::KeyRecording() { recording = this; }

KeyRecording::~KeyRecording() { recording = nullptr; }

void KeyRecording::note(const std::string& section, const std::vector<std::string>& keys) {
  if (recording == nullptr || section.empty()) return;
  auto& into = recording->keys_[section];
  into.insert(keys.begin(), keys.end());
}

MapReader::~MapReader() { KeyRecording::note(section_, asked_); }

MapReader::MapReader(const Value& map, Diagnostics& diagnostics, std::string what,
                     std::string section)
    : map_(map),
      diagnostics_(diagnostics),
      what_(std::move(what)),
      section_(std::move(section)),
      valid_(map.is_mapping()) {
  if (!valid_ && !map.is_null()) {
    diagnostics_.error(map.mark, fmt::format("{}: expected a mapping of settings, found {}", what_,
                                             map.describe()));
  }
}

const Value* MapReader::get(std::string_view key) {
  asked_.emplace_back(key);
  if (!valid_) return nullptr;
  const Value* found = map_.find(key);
  return found != nullptr && !found->is_null() ? found : nullptr;
}

const Value* MapReader::require(std::string_view key) {
  const Value* found = get(key);
  if (found == nullptr && (valid_ || map_.is_null())) {
    diagnostics_.error(map_.mark, fmt::format("{}: '{}' is required", what_, key));
  }
  return found;
}

std::optional<std::string> MapReader::string(std::string_view key, bool required) {
  const Value* v = required ? require(key) : get(key);
  if (v == nullptr) return std::nullopt;
  return read_string(*v, diagnostics_, fmt::format("{}: {}", what_, key));
}

std::optional<std::int64_t> MapReader::integer(std::string_view key, bool required,
                                               std::int64_t min, std::int64_t max) {
  const Value* v = required ? require(key) : get(key);
  if (v == nullptr) return std::nullopt;
  auto number = read_integer(*v, diagnostics_, fmt::format("{}: {}", what_, key));
  if (number && (*number < min || *number > max)) {
    diagnostics_.error(v->mark,
                       fmt::format("{}: {} must be between {} and {}", what_, key, min, max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> MapReader::boolean(std::string_view key) {
  const Value* v = get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_scalar() && !v->quoted) {
    std::string s = v->scalar;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  diagnostics_.error(
      v->mark, fmt::format("{}: {}: expected true or false, found {}", what_, key, v->describe()));
  return std::nullopt;
}

std::optional<double> MapReader::number(std::string_view key, bool required) {
  const Value* v = required ? require(key) : get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_scalar() && !v->quoted && !v->scalar.empty()) {
    char* end = nullptr;
    const double number = std::strtod(v->scalar.c_str(), &end);
    if (end == v->scalar.c_str() + v->scalar.size()) return number;
  }
  diagnostics_.error(v->mark,
                     fmt::format("{}: {}: expected a number, found {}", what_, key, v->describe()));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> MapReader::duration(std::string_view key, bool required) {
  const Value* v = required ? require(key) : get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_scalar()) {
    if (auto d = parse_duration(v->scalar)) return d;
    // A duration past the longest any deadline can be (it would overflow
    // the clock's arithmetic: a step killed 1 ms after it started).
    if (duration_shaped(v->scalar)) {
      diagnostics_.error(v->mark, fmt::format("{}: {}: {} is longer than {}h, the longest a "
                                              "duration may be",
                                              what_, key, v->scalar,
                                              kMaxDuration.count() / 3'600'000));
      return std::nullopt;
    }
  }
  diagnostics_.error(
      v->mark, fmt::format("{}: {}: expected a duration such as 500ms, 30s, 5m or 1h30m, found {}",
                           what_, key, v->describe()));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> MapReader::positive_duration(std::string_view key,
                                                                      bool required) {
  auto d = duration(key, required);
  if (d && d->count() <= 0) {
    diagnostics_.error(get(key)->mark,
                       fmt::format("{}: {}: must be more than 0 (such as 500ms, 30s or 5m)", what_,
                                   key));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> MapReader::strings(std::string_view key, bool required) {
  const Value* v = required ? require(key) : get(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_scalar()) return std::vector<std::string>{v->scalar};
  if (!v->is_sequence()) {
    diagnostics_.error(
        v->mark, fmt::format("{}: {}: expected a string or a list of strings, found {}", what_, key,
                             v->describe()));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : v->items) {
    auto s = read_string(item, diagnostics_, fmt::format("{}: {}", what_, key));
    if (s) {
      out.push_back(*s);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> MapReader::choice(std::string_view key,
                                             const std::vector<std::string>& allowed,
                                             bool required) {
  auto s = string(key, required);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  auto hint = closest(*s, allowed);
  diagnostics_.error(map_.find(key)->mark,
                     fmt::format("{}: {}: '{}' is not one of: {}", what_, key, *s, list),
                     hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
  return std::nullopt;
}

void MapReader::finish() {
  if (!valid_) return;
  for (const auto& [key, value] : map_.entries) {
    if (std::find(asked_.begin(), asked_.end(), key.scalar) != asked_.end()) continue;
    auto hint = closest(key.scalar, asked_);
    diagnostics_.error(key.mark, fmt::format("{}: unknown key '{}'", what_, key.scalar),
                       hint ? fmt::format("did you mean '{}'?", *hint) : std::string());
  }
}

}  // namespace greenlight::config
