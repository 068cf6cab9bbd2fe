// Nagios plugin output (Nagios Plugin Development Guidelines): parser and
// verdict.
//
//   STATUS TEXT | perfdata
//   long output line
//   long output line | perfdata
//   perfdata continued
//
// The first line is the status text, optionally followed by '|' and
// performance data; later lines are long output until the first '|', after
// which everything is performance data. A datum is
// 'label'=value[UOM];[warn];[crit];[min];[max], labels quoted with single
// quotes when they hold spaces ('' is a literal quote).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

struct PerfDatum {
  std::string label;
  std::optional<double> value;  ///< nullopt for "U"; a decimal comma is read as a point
  std::string uom;  ///< "", "s", "ms", "us", "%", "B", "KB", "MB", "TB" or "c": nothing else
  /// Ranges as written, a decimal comma between digits made a point.
  std::string warn;  ///< e.g. "10:20", "@~:5"; empty if none
  std::string crit;
  std::optional<double> min;
  std::optional<double> max;
};

struct PluginOutput {
  std::string status_text;               ///< first line, before '|'
  std::vector<std::string> long_output;  ///< later text lines
  std::vector<PerfDatum> perfdata;
  /// Data that could not be read ("label 'x': value 'abc' is not a number");
  /// the rest of the perfdata is still parsed.
  std::vector<std::string> perfdata_errors;
};

/// Parses plugin stdout. Empty output is a ParseError ("no output").
Parsed<PluginOutput> parse_nagios_output(std::string_view output);

/// Parses only a perfdata string ("a=1;2;3 'b c'=4ms").
std::vector<PerfDatum> parse_perfdata(std::string_view text, std::vector<std::string>* errors);

/// The value converted to the base unit Prometheus uses (seconds, bytes,
/// ratio for %: 50% -> 0.5); the value as is for other units.
double base_unit_value(const PerfDatum& datum);
/// The unit of base_unit_value: "s", "B", "ratio" (for %), "c", or "" (none).
std::string base_unit(const PerfDatum& datum);

/// Verdict: the exit status maps straight to the status (0 ok, 1 warning,
/// 2 critical, anything else unknown); the message is the status text (or
/// "no output"; exit 0 without a status line is unknown: OK needs the
/// plugin to say it), followed by the number of invalid data dropped and the
/// first reason. Samples: greenlight_nagios_perfdata{check,label,uom} per
/// datum with a value (converted by base_unit_value, uom its base_unit),
/// greenlight_nagios_perfdata_invalid{check}; facts perfdata_invalid.
CheckResult nagios_verdict(const Parsed<PluginOutput>& output, int exit_status,
                           std::string_view check_name);

/// Verdict of the `command` kind (any command, not a Nagios plugin): exit
/// status 0 is ok, anything else critical. The message is the output's
/// last non-blank line (where programs usually say what went wrong), or
/// "exit status N". Sample: greenlight_command_exit_status{check}.
CheckResult command_verdict(int exit_status, std::string_view output, std::string_view check_name);

}  // namespace greenlight::checks
