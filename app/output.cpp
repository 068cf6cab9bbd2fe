#include "output.h"

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>

namespace greenlight::app {

std::optional<OutputFormat> output_format_named(std::string_view word) {
  if (word == "text" || word == "table") return OutputFormat::kText;
  if (word == "json") return OutputFormat::kJson;
  return std::nullopt;
}

CLI::Option* add_output_option(CLI::App& app, OutputFormat& format, bool with_dot) {
  if (with_dot) {
    return app
        .add_option_function<std::string>(
            "-o,--output",
            [&format](const std::string& word) {
              format = word == "dot" ? OutputFormat::kDot : *output_format_named(word);
            },
            "FORMAT: text (default; table is the same), json (docs/json.md) or dot (a Graphviz "
            "digraph: greenlight runbook plan NAME -o dot | dot -Tsvg)")
        ->check(CLI::IsMember({"text", "table", "json", "dot"}));
  }
  return app
      .add_option_function<std::string>(
          "-o,--output",
          [&format](const std::string& word) { format = *output_format_named(word); },
          "FORMAT: text (default; table is the same) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "table", "json"}));
}

void print_json_document(std::string_view name, const JsonDocument& body) {
  JsonDocument document;
  document["schema"] = "greenlight/" + std::string(name) + "/v1";
  for (const auto& [key, value] : body.items()) document[key] = value;
  std::cout << document.dump(-1, ' ', false, JsonDocument::error_handler_t::replace) << "\n";
  std::cout.flush();
}

double milliseconds_in_seconds(std::chrono::milliseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

}  // namespace greenlight::app
