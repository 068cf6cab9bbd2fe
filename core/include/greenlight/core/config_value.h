// Configuration values with their place in the file, and the readers that
// turn them into typed settings while collecting every error at once.
//
// YAML stays inside core: the loader turns a file (and its includes) into a
// tree of config::Value, each node knowing its file, line and column. Other
// modules (checks, runbook) validate their own sections with MapReader, so
// every error in greenlight reads `FILE:LINE:COL: error: message`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace greenlight::config {

/// Where a value stands: 1-based line and column.
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;  ///< "file:line:col"
};

/// One node of a configuration document. Plain value type.
class Value {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  /// A mapping entry: `first` the key (a scalar), `second` its value, as
  /// std::pair names them (a pair of Values could not be declared here).
  struct Entry;

  Kind kind = Kind::kNull;
  Mark mark;
  std::string scalar;          ///< kScalar
  bool quoted = false;         ///< kScalar written in quotes
  std::vector<Value> items;    ///< kSequence
  std::vector<Entry> entries;  ///< kMapping, in file order

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  /// The value of `key` in a mapping, or nullptr.
  const Value* find(std::string_view key) const;
  /// "a string", "a list", "a mapping" or "nothing", for messages.
  std::string describe() const;
};

struct Value::Entry {
  Value first;
  Value second;
};

struct Diagnostic {
  Mark mark;
  std::string message;
  std::string hint;  ///< may be empty
};

/// Collects errors; never throws. Not synchronised.
class Diagnostics {
 public:
  /// Records an error. Control bytes of `message` and `hint` (a newline, a
  /// NUL, an escape) are kept as "\n", "\t", "\xNN": one error, one line.
  /// The same message at the same place is recorded once (two validations
  /// that reach the same value, e.g. a site's check and a gate built on it).
  void error(const Mark& mark, std::string message, std::string hint = {});
  bool ok() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  /// Every error as `FILE:LINE:COL: error: message (hint)`, one per line,
  /// sorted by file, line and column.
  std::string format() const;

 private:
  std::vector<Diagnostic> errors_;
  std::set<std::tuple<std::string, int, int, std::string>> seen_;
};

/// Loads a YAML file into a Value. `include:` (a file name or a list, relative
/// to the including file) is expanded: the included documents' top-level
/// mappings are merged into the includer; a key defined twice is an error.
/// Syntax errors, unreadable files and include cycles go to `diagnostics`;
/// the result then holds what could be read.
Value load_yaml_file(const std::filesystem::path& path, Diagnostics& diagnostics);
/// The same from text (for tests); `name` stands for the file in marks.
Value load_yaml_text(std::string_view text, const std::string& name, Diagnostics& diagnostics);

/// The longest duration (a deadline, an interval): 8760h, a year; far
/// above any restart, far below what the clocks' arithmetic overflows at.
inline constexpr std::chrono::milliseconds kMaxDuration{8760LL * 3'600'000};

/// "250ms", "30s", "5m", "1h30m", "2h" -> milliseconds; nullopt when
/// malformed or longer than kMaxDuration.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The keys the loaders read, by section, recorded while a KeyRecording
/// lives on this thread: what docs/config.md and docs/runbooks.md are
/// checked against (tests/unit/config_reference_test.cpp). A section names
/// a kind of mapping, not one of them: "hosts", "checks", "checks: fping",
/// "runbook: step: run". Recordings do not nest.
class KeyRecording {
 public:
  KeyRecording();
  ~KeyRecording();
  KeyRecording(const KeyRecording&) = delete;
  KeyRecording& operator=(const KeyRecording&) = delete;
  /// section -> the keys asked for in it (a section read with no key asked
  /// is there, empty).
  const std::map<std::string, std::set<std::string>>& keys() const { return keys_; }
  /// Notes `keys` of `section` in the recording of this thread, if any.
  static void note(const std::string& section, const std::vector<std::string>& keys);

 private:
  std::map<std::string, std::set<std::string>> keys_;
};

/// Reads the keys of one mapping with types and ranges, recording errors
/// with marks; finish() reports the keys nobody asked for as unknown, with
/// a "did you mean" hint from the keys that were asked for.
class MapReader {
 public:
  /// `what` names the mapping in messages ("check 'heal'"). A value that is
  /// not a mapping is reported once and every getter then returns nothing.
  /// `section` (see KeyRecording) is where the keys asked are noted when
  /// the reader goes.
  MapReader(const Value& map, Diagnostics& diagnostics, std::string what,
            std::string section = {});
  ~MapReader();
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  const Value* get(std::string_view key);
  const Value* require(std::string_view key);
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, bool required = false,
                                      std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  std::optional<bool> boolean(std::string_view key);
  std::optional<double> number(std::string_view key, bool required = false);
  std::optional<std::chrono::milliseconds> duration(std::string_view key, bool required = false);
  /// A duration that must be more than zero (an interval or a timeout: 0s
  /// would mean a tight loop, or no time at all); 0 is an error naming the key.
  std::optional<std::chrono::milliseconds> positive_duration(std::string_view key,
                                                             bool required = false);
  /// A string or a list of strings.
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false);
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& allowed,
                                    bool required = false);
  /// Keys present but never asked for.
  void finish();

  const Value& value() const { return map_; }
  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  const Value& map_;
  Diagnostics& diagnostics_;
  std::string what_;
  std::string section_;
  std::vector<std::string> asked_;
  bool valid_;
};

/// Typed reads of a single value (used by MapReader and for list items).
std::optional<std::string> read_string(const Value& value, Diagnostics& diagnostics,
                                       std::string_view what);
std::optional<std::int64_t> read_integer(const Value& value, Diagnostics& diagnostics,
                                         std::string_view what);

/// The closest of `candidates` to `word`, when it is close enough to hint.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace greenlight::config
