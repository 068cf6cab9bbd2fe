// greenlight help [COMMAND...] | help --man: a command's --help, or
// greenlight(1) as roff. greenlight __complete WORD...: what the bash
// completion (app/completion/greenlight.bash) offers for the last word.
#include <iostream>

#include "cli.h"
#include "command.h"
#include "help_complete.h"
#include "help_manual.h"
#include "help_tree.h"

namespace greenlight::app {
namespace {

int run_help(const Invocation& invocation, const std::vector<std::string>& args) {
  std::vector<std::string> words;
  bool man = false;
  auto cli = make_cli(
      "help",
      "Shows a command's help, as COMMAND --help does, or this whole manual as a man page\n"
      "(greenlight(1), roff), written from the commands' own --help.",
      "  greenlight help runbook exec\n"
      "  greenlight help --man | man -l -\n");
  cli->add_option("COMMAND", words, "the command (and subcommand) to show")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli->add_flag("--man", man, "print greenlight(1) in roff");
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  if (man) {
    std::cout << manual_page(describe_greenlight(), GREENLIGHT_VERSION);
    return 0;
  }
  if (words.empty()) {
    print_usage(std::cout);
    return 0;
  }
  for (const auto& command : command_table()) {
    if (command.name != words.front() || command.synopsis.empty()) continue;
    words.erase(words.begin());
    words.push_back("--help");
    return command.run(invocation, words);
  }
  std::cerr << "greenlight help: unknown command '" << words.front()
            << "' (see greenlight --help)\n";
  return 2;
}

// One line saying what to list ("words", "files", "directories"), then
// the words, one per line.
int run_complete(const Invocation& invocation, const std::vector<std::string>& args) {
  const HelpCommand root = describe_greenlight();
  const Completion completion = complete(root, args, site_names(invocation.config_path));
  switch (completion.kind) {
    case Completion::Kind::kFiles:
      std::cout << "files\n";
      break;
    case Completion::Kind::kDirectories:
      std::cout << "directories\n";
      break;
    case Completion::Kind::kWords:
      std::cout << "words\n";
      break;
  }
  for (const auto& word : completion.words) std::cout << word << "\n";
  return 0;
}

const CommandRegistration kHelp{
    {"help",
     "help [COMMAND...] | help --man           a command's help; this manual as greenlight(1)",
     run_help}};
const CommandRegistration kComplete{{"__complete", "", run_complete}};

}  // namespace
}  // namespace greenlight::app
