#include "cli.h"

#include <algorithm>
#include <iostream>

namespace greenlight::app {

std::unique_ptr<CLI::App> make_cli(const std::string& name, const std::string& description,
                                   const std::string& examples) {
  auto app = std::make_unique<CLI::App>(description, "greenlight [-c CONFIG] " + name);
  app->footer("\nExamples:\n" + examples);
  // An option given twice keeps its last value, as the hand-written parsers
  // did (scripts add an option to a base command line); lists take all.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->get_formatter()->column_width(28);
  return app;
}

std::optional<int> parse_cli(CLI::App& app, const std::vector<std::string>& args, int usage_exit) {
  // CLI11 takes the words last first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    std::cerr << app.get_name() << ": " << error.what() << "\n" << app.help();
    return usage_exit;
  }
  return std::nullopt;
}

}  // namespace greenlight::app
