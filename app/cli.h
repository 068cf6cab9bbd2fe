// Subcommand options read with CLI11: one way for every subcommand (but
// nodeset, which follows Python optparse as ClusterShell does) to parse its
// words, answer --help with its usage and examples on stdout, and refuse
// bad words with a message and the usage on stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
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

/// Ends `app`'s --help with `examples` (command lines, one per line, each
/// indented by two spaces): the one way a subcommand shows its examples,
/// which greenlight(1) reads back (help_tree.h).
void set_examples(CLI::App& app, const std::string& examples);

/// Numeric options, one way for every command: a value outside the range,
/// a fraction where a whole number is wanted, or a word that is no number
/// at all (too large to convert included) is a usage error that names the
/// option, the value and the range in the operator's words:
///   `--fanout 0: must be a whole number from 1 to 4096`
///   `-t -1: must be a number of seconds from 0.001 to 86400`
///   `--timeout 0s: must be a duration from 1ms to 24h (such as 500ms, 5s or 1m30s)`
/// `names` as for add_option ("-f" or "-t,--timeout"); the message names its
/// long name when it has one. `unit` ("bytes") follows "whole number".
CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names, long long& target,
                                     const std::string& description, long long min, long long max,
                                     const std::string& unit = "");
CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names, int& target,
                                     const std::string& description, int min, int max,
                                     const std::string& unit = "");
CLI::Option* add_whole_number_option(CLI::App& app, const std::string& names,
                                     std::size_t& target, const std::string& description,
                                     std::size_t min, std::size_t max,
                                     const std::string& unit = "");
/// A number of seconds, fractions allowed ("0.5"), from `min` to `max`.
CLI::Option* add_seconds_option(CLI::App& app, const std::string& names, double& target,
                                const std::string& description, double min, double max);
/// A duration as the configuration writes them (500ms, 5s, 1m30s).
CLI::Option* add_duration_option(CLI::App& app, const std::string& names,
                                 std::chrono::milliseconds& target, const std::string& description,
                                 std::chrono::milliseconds min, std::chrono::milliseconds max);

/// Parses `args` (the words after the subcommand's name) into `app`.
/// Returns nullopt when the subcommand goes on; otherwise the exit code:
/// 0 after --help (usage and examples printed on stdout), `usage_exit`
/// after an error (message and usage printed on stderr).
std::optional<int> parse_cli(CLI::App& app, const std::vector<std::string>& args, int usage_exit);

/// While one lives, parse_cli hands every parser to `visit` instead of
/// parsing (nothing printed) and returns 0: the manual page and the
/// completion read the subcommands' own parsers, the source of their --help.
/// One at a time, on the main thread.
class CliCapture {
 public:
  explicit CliCapture(std::function<void(const CLI::App&)> visit);
  ~CliCapture();
  CliCapture(const CliCapture&) = delete;
  CliCapture& operator=(const CliCapture&) = delete;

 private:
  std::function<void(const CLI::App&)> visit_;
};

}  // namespace greenlight::app
