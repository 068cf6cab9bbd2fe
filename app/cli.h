// Subcommand options read with CLI11: one way for every subcommand (but
// nodeset, which follows Python optparse as ClusterShell does) to parse its
// words, answer --help with its usage and examples on stdout, and refuse
// bad words with a message and the usage on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace greenlight::app {

/// A CLI11 parser for `greenlight [-c CONFIG] NAME ...`: `description` says
/// what the subcommand does, `examples` (one per line) end its --help. An
/// option given twice keeps its last value; list options must say
/// `->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)`.
std::unique_ptr<CLI::App> make_cli(const std::string& name, const std::string& description,
                  const std::string& examples);

/// Parses `args` (the words after the subcommand's name) into `app`.
/// Returns nullopt when the subcommand goes on; otherwise the exit code:
/// 0 after --help (usage and examples printed on stdout), `usage_exit`
/// after an error (message and usage printed on stderr).
std::optional<int> parse_cli(CLI::App& app, const std::vector<std::string>& args, int usage_exit);

}  // namespace greenlight::app
