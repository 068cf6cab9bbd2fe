// What `greenlight --help` and each subcommand's --help say, as data: the
// one source of the manual page greenlight(1) (help_manual.h) and of the
// shell completion (help_complete.h). A CLI11 subcommand is read from its
// own parser (CliCapture); the others (the top level, nodeset) from the
// text their --help prints, which follows Python optparse's layout.
#pragma once

#include <string>
#include <vector>

#include "command.h"

namespace greenlight::app {

/// One option or operand, as --help lists it.
struct HelpOption {
  std::vector<std::string> names;    ///< "-o", "--output"; empty for an operand
  std::string value;                 ///< "NODES", "table|json"; empty for a flag
  std::vector<std::string> choices;  ///< the only values it accepts, when it says so
  std::string help;                  ///< one line or more
  bool required = false;
  bool repeated = false;  ///< an operand taking several words (NAME...)
  std::string section;    ///< the heading it stands under in a text --help ("Operations")
};

/// A command and its subcommands, as --help describes them.
struct HelpCommand {
  std::vector<std::string> path;      ///< {"runbook", "plan"}; empty for greenlight itself
  std::string description;            ///< paragraphs, lines joined by '\n'
  std::vector<std::string> examples;  ///< one command line each, as typed
  std::vector<HelpOption> options;    ///< with names, in --help order, -h/--help left out
  std::vector<HelpOption> operands;   ///< in the order they are read
  std::vector<HelpCommand> subcommands;

  /// "greenlight runbook plan".
  std::string command_line() const;
  /// The options and operands as a synopsis: "[-o table|json] [NAME...]",
  /// with `space` between an option and its value.
  std::string synopsis(const std::string& space = " ") const;
};

/// greenlight itself (from its --help) with every registered command but
/// the hidden ones (no synopsis), sorted by name. Runs each command with
/// --help under CliCapture or with its standard output captured: call it
/// on the main thread, before any other output.
HelpCommand describe_greenlight();

/// One registered command (see describe_greenlight).
HelpCommand describe_command(const Command& command);

/// The options of a --help text laid out as Python optparse does
/// ("  -x NODES, --exclude=NODES  help", section lines ending in ':',
/// "Examples:" last). Pure; `path` is kept as given.
HelpCommand describe_text(const std::string& help, std::vector<std::string> path);

}  // namespace greenlight::app
