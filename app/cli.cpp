#include "cli.h"

#include <algorithm>
#include <functional>
#include <iostream>

namespace greenlight::app {

std::unique_ptr<CLI::App> make_cli(const std::string& name, const std::string& description,
                                   const std::string& examples) {
  auto app = std::make_unique<CLI::App>(description, "greenlight [-c CONFIG] " + name);
  set_examples(*app, examples);
  // An option given twice keeps its last value, as the hand-written parsers
  // did (scripts add an option to a base command line); lists take all.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->get_formatter()->column_width(28);
  return app;
}

void set_examples(CLI::App& app, const std::string& examples) {
  app.footer("\nExamples:\n" + examples);
}

namespace {

// An option no command of `app` knows, or a first word that is not one of
// its subcommands, in the operator's words; nothing when every word is known.
std::optional<std::string> unknown_word(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* command = &app;
  bool first_word = true;
  for (const auto& word : args) {
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9')) {
      const std::string name = word.substr(0, word.find('='));
      const bool is_long = name.rfind("--", 0) == 0;
      if ((is_long || name.size() == 2) && command->get_option_no_throw(name) == nullptr &&
          name != "-h" && name != "--help")
        return "unknown option '" + name + "'";
      continue;
    }
    const auto subcommands = command->get_subcommands(std::function<bool(CLI::App*)>{});
    if (first_word && !subcommands.empty()) {
      CLI::App* sub = nullptr;
      for (CLI::App* candidate : subcommands)
        if (candidate->check_name(word)) sub = candidate;
      if (sub == nullptr) return "unknown subcommand '" + word + "'";
      command = sub;
      continue;
    }
    first_word = false;
  }
  return std::nullopt;
}

}  // namespace

namespace {
std::function<void(const CLI::App&)>* capture = nullptr;
}  // namespace

CliCapture::CliCapture(std::function<void(const CLI::App&)> visit)
    : visit_(std::move(visit)) {
  capture = &visit_;
}

CliCapture::~CliCapture() { capture = nullptr; }

std::optional<int> parse_cli(CLI::App& app, const std::vector<std::string>& args, int usage_exit) {
  if (capture != nullptr) {
    (*capture)(app);
    return 0;
  }
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
    // CLI11 checks required options and subcommands before it complains
    // about words it does not know: name the unknown word first, it is the
    // cause ("exec --bogus" said "-w is required").
    std::cerr << app.get_name() << ": " << unknown_word(app, args).value_or(error.what()) << "\n"
              << app.help();
    return usage_exit;
  }
  return std::nullopt;
}

}  // namespace greenlight::app
