// `-o text|json` of every command that prints results, and the JSON
// documents they print. Each document is one JSON object whose first field
// is "schema": "greenlight/NAME/v1"; docs/json.md describes every document
// and docs/schema/NAME.v1.json is its JSON Schema. Within a version, fields
// are added, never renamed or removed.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "greenlight/core/utc_time.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace greenlight::app {

/// What a command prints: text for people (the default), one JSON document,
/// or (`runbook plan` only) a Graphviz digraph.
enum class OutputFormat { kText, kJson, kDot };

/// A JSON document's body, its fields in the order they were set.
using JsonDocument = nlohmann::ordered_json;

/// Adds `-o,--output FORMAT` to `app`: "text" (also "table", as the first
/// commands that had it called it) or "json", stored in `format`; with
/// `with_dot`, also "dot" (Graphviz DOT source).
CLI::Option* add_output_option(CLI::App& app, OutputFormat& format, bool with_dot = false);

/// "text" / "table" / "json" as an OutputFormat; nullopt for any other word
/// (for `nodeset -o`, whose options are not CLI11's).
std::optional<OutputFormat> output_format_named(std::string_view word);

/// Prints `body` (an object) to stdout as the document "greenlight/NAME/v1":
/// {"schema": "greenlight/NAME/v1", ...body's fields}, one line of JSON then
/// a newline. Text that is not UTF-8 (a remote command's output) is written
/// with U+FFFD in place of the bad bytes.
void print_json_document(std::string_view name, const JsonDocument& body);

/// `duration` in seconds, to the millisecond (0.25 for 250 ms).
double milliseconds_in_seconds(std::chrono::milliseconds duration);


}  // namespace greenlight::app
