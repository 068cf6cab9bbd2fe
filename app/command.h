// The subcommand table: each app/cmd_*.cpp registers one command at static
// initialisation; main.cpp parses the global options and dispatches.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight::app {

/// What main() resolved before handing over to a subcommand.
struct Invocation {
  std::string program;        ///< argv[0] as given, for messages
  std::string config_path;    ///< -c CONFIG, else $GREENLIGHT_CONFIG, else the system default
  bool config_given = false;  ///< true when -c or $GREENLIGHT_CONFIG chose config_path
};

/// A subcommand's entry point: `args` holds the words after the subcommand's
/// name. Returns the process exit code. Expected failures are reported on
/// stderr by the command itself; an escaping exception is printed by main().
using CommandMain = int (*)(const Invocation& invocation, const std::vector<std::string>& args);

struct Command {
  std::string_view name;
  std::string_view synopsis;  ///< one line, shown by `greenlight --help`; empty: hidden
  CommandMain run;
};

/// All registered commands, in registration order (unspecified across files).
std::vector<Command>& command_table();

/// `greenlight --help`: the global options and every command's synopsis.
void print_usage(std::ostream& out);

/// Registers a command; use as a namespace-scope static in the command's file.
struct CommandRegistration {
  explicit CommandRegistration(Command command) { command_table().push_back(command); }
};

}  // namespace greenlight::app
