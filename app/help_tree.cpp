#include "help_tree.h"

#include <algorithm>
#include <iostream>
#include <regex>
#include <sstream>

#include "cli.h"

namespace greenlight::app {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The options' help says what their value is first, in capitals ("NODES to
// run on", "CONNECT_S: deadline..."): that word names the value.
std::string leading_metavar(const std::string& help) {
  static const std::regex word(R"(^([A-Z][A-Z0-9_]*(\[?:[A-Z0-9_]+\]?)*)[:]?(\s|$))");
  std::smatch match;
  if (std::regex_search(help, match, word)) return match[1].str();
  return "";
}

// CLI11 appends its validators to the type name: "TEXT:{table,json}".
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> choices;
  const auto open = type_name.find('{');
  const auto close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return choices;
  std::istringstream in(type_name.substr(open + 1, close - open - 1));
  for (std::string choice; std::getline(in, choice, ',');) choices.push_back(trim(choice));
  return choices;
}

HelpOption describe_option(const CLI::Option& option) {
  HelpOption out;
  for (const auto& name : option.get_snames()) out.names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) out.names.push_back("--" + name);
  out.help = option.get_description();
  out.required = option.get_required();
  out.repeated = option.get_items_expected_max() > 1;
  if (option.get_expected_max() == 0) return out;  // a flag
  out.choices = choices_of(option.get_type_name());
  if (!option.nonpositional()) {
    out.value = option.get_name();
  } else if (const auto metavar = leading_metavar(out.help); !metavar.empty()) {
    out.value = metavar;
  } else if (!out.choices.empty()) {
    for (const auto& choice : out.choices) out.value += (out.value.empty() ? "" : "|") + choice;
  } else {
    out.value = "VALUE";
  }
  return out;
}

std::vector<std::string> examples_of(const std::string& footer) {
  std::vector<std::string> examples;
  bool listing = false;
  for (const auto& line : lines_of(footer)) {
    if (trim(line) == "Examples:") {
      listing = true;
    } else if (listing && !trim(line).empty()) {
      examples.push_back(trim(line));
    }
  }
  return examples;
}

HelpCommand describe_cli(const CLI::App& app, std::vector<std::string> path) {
  HelpCommand out;
  out.path = std::move(path);
  out.description = trim(app.get_description());
  out.examples = examples_of(app.get_footer());
  for (const CLI::Option* option : app.get_options()) {
    if (option == app.get_help_ptr() || option == app.get_help_all_ptr()) continue;
    auto described = describe_option(*option);
    (option->nonpositional() ? out.options : out.operands).push_back(std::move(described));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    auto sub_path = out.path;
    sub_path.push_back(sub->get_name());
    out.subcommands.push_back(describe_cli(*sub, std::move(sub_path)));
  }
  return out;
}

// "-x SUB_NODES, --exclude=SUB_NODES" or "-c, --config CONFIG".
void read_option_spec(const std::string& spec, HelpOption& option) {
  std::istringstream items(spec);
  for (std::string item; std::getline(items, item, ',');) {
    item = trim(item);
    const auto split = item.find_first_of(" =");
    option.names.push_back(item.substr(0, split));
    if (split != std::string::npos) option.value = trim(item.substr(split + 1));
  }
}

}  // namespace

std::string HelpCommand::command_line() const {
  std::string line = "greenlight";
  for (const auto& word : path) line += " " + word;
  return line;
}

std::string HelpCommand::synopsis(const std::string& space) const {
  std::string out;
  const auto add = [&out](const std::string& word) { out += (out.empty() ? "" : " ") + word; };
  for (const auto& option : options) {
    std::string word = option.names.front() + (option.value.empty() ? "" : space + option.value);
    add(option.required ? word : "[" + word + "]");
  }
  if (!subcommands.empty()) {
    std::string names;
    for (const auto& sub : subcommands) names += (names.empty() ? "" : "|") + sub.path.back();
    add("{" + names + "}");
  }
  for (const auto& operand : operands) {
    const std::string word = operand.value + (operand.repeated ? "..." : "");
    add(operand.required ? word : "[" + word + "]");
  }
  return out;
}

HelpCommand describe_text(const std::string& help, std::vector<std::string> path) {
  static const std::regex section(R"(^[A-Za-z][A-Za-z ]*:$)");
  HelpCommand out;
  out.path = std::move(path);
  std::string current;  // the section we are in; "" before the first
  HelpOption* option = nullptr;
  for (const auto& line : lines_of(help)) {
    const std::string text = trim(line);
    if (text.rfind("usage:", 0) == 0 || text.rfind("Usage:", 0) == 0) continue;
    if (std::regex_match(line, section)) {
      current = text.substr(0, text.size() - 1);
      option = nullptr;
      continue;
    }
    if (current.empty()) {
      if (!text.empty() || !out.description.empty()) out.description += text + "\n";
    } else if (current == "Examples") {
      if (!text.empty()) out.examples.push_back(text);
    } else if (text.rfind('-', 0) == 0) {
      const auto gap = text.find("  ");
      HelpOption read;
      read.section = current;
      read_option_spec(text.substr(0, gap), read);
      if (gap != std::string::npos) read.help = trim(text.substr(gap));
      option = nullptr;
      if (read.names.front() == "-h" || read.names.front() == "--help") continue;
      out.options.push_back(std::move(read));
      option = &out.options.back();
    } else if (option != nullptr && !text.empty() && line.rfind("   ", 0) == 0) {
      option->help += (option->help.empty() ? "" : " ") + text;
    }
  }
  out.description = trim(out.description);
  return out;
}

HelpCommand describe_command(const Command& command) {
  const std::vector<std::string> path{std::string(command.name)};
  HelpCommand out;
  bool parsed = false;
  std::ostringstream printed;
  {
    CliCapture capture([&](const CLI::App& app) {
      if (parsed) return;
      out = describe_cli(app, path);
      parsed = true;
    });
    // A command without a CLI11 parser prints its --help on std::cout.
    struct Redirect {
      std::streambuf* saved;
      ~Redirect() { std::cout.rdbuf(saved); }
    } redirect{std::cout.rdbuf(printed.rdbuf())};
    Invocation invocation;
    invocation.program = "greenlight";
    command.run(invocation, {"--help"});
  }
  return parsed ? out : describe_text(printed.str(), path);
}

HelpCommand describe_greenlight() {
  std::ostringstream usage;
  print_usage(usage);
  HelpCommand root = describe_text(usage.str(), {});
  auto commands = command_table();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  for (const auto& command : commands) {
    if (!command.synopsis.empty()) root.subcommands.push_back(describe_command(command));
  }
  return root;
}

}  // namespace greenlight::app
