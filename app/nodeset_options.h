// The options of `greenlight nodeset`, read with Python optparse's rules as
// ClusterShell 1.9's nodeset reads them (same names, abbreviations of long
// options, bundled short options, values attached or in the next word,
// option parsing stopping at the first operand, same messages).
//
// CLI11 parses the other subcommands; it cannot serve here: optparse
// accepts any unambiguous prefix of a long option, stops at the first
// operand while later words such as "-x" stay operators of the node set
// expression, and counts repeated -l.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "output.h"

namespace greenlight::app {

/// An option that optparse refuses: exit code 2 with the usage.
class NodesetUsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// --autostep: a node count, a fraction of the set ("50%"), or "auto".
struct Autostep {
  enum class Kind { kCount, kFraction, kAuto } kind = Kind::kCount;
  long long count = 0;
  double fraction = 0;
};

struct NodesetOptions {
  int count = 0, expand = 0, fold = 0, list = 0, list_all = 0, regroup = 0, sources = 0;
  bool all = false, quiet = false, groupbase = false, rangeset = false, debug = false;
  bool contiguous = false, help = false, version = false;
  OutputFormat output = OutputFormat::kText;  ///< -o text|json (not in ClusterShell)
  std::vector<std::string> and_nodes, sub_nodes, xor_nodes;
  std::string output_format = "%s";
  std::string separator = " ";
  std::optional<std::string> groupsource, groupsconf, slice, axis;
  std::optional<Autostep> autostep;
  std::optional<long long> split, pick;
  std::vector<std::string> args;  ///< operands and the operators among them
};

/// Reads argv (the words after "nodeset"). Throws NodesetUsageError.
NodesetOptions parse_nodeset_options(const std::vector<std::string>& argv);

/// The usage line and option list that --help prints.
extern const char* const kNodesetHelp;
extern const char* const kNodesetUsage;

}  // namespace greenlight::app
