// greenlight nodeset: ClusterShell's `nodeset` command, same options, same
// output, same exit codes (2 for usage errors, 1 for bad node sets).
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/rangeset.h"
#include "nodeset_output.h"

namespace greenlight::app {
namespace {

struct NodesetOptions {
  int count = 0, expand = 0, fold = 0, list = 0, list_all = 0, sources = 0;
  bool all = false, quiet = false, groupbase = false;
  std::vector<std::string> and_nodes, sub_nodes, xor_nodes;
  std::string output_format = "%s";
  std::string separator = " ";
  std::optional<std::string> groupsource;
  std::vector<std::string> args;
};

constexpr const char* kUsage =
    "usage: greenlight nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]\n";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// optparse rules: options until the first operand, short options may be
// bundled ("-ll") and take their value attached or as the next word, long
// options take "--opt=value" or the next word, "--" ends the options.
NodesetOptions parse_options(const std::vector<std::string>& argv) {
  NodesetOptions o;
  std::size_t i = 0;
  auto value_of = [&](const std::string& name, std::string attached) -> std::string {
    if (!attached.empty()) return attached;
    if (i + 1 >= argv.size()) throw UsageError(fmt::format("{} option requires an argument", name));
    return argv[++i];
  };
  auto apply_value = [&](char opt, const std::string& value) {
    switch (opt) {
      case 'i':
        o.and_nodes.push_back(value);
        break;
      case 'x':
        o.sub_nodes.push_back(value);
        break;
      case 'X':
        o.xor_nodes.push_back(value);
        break;
      case 'O':
        o.output_format = value;
        break;
      case 'S':
        o.separator = value;
        break;
      case 's':
        o.groupsource = value;
        break;
      default:
        break;
    }
  };
  auto apply_flag = [&](char opt) {
    switch (opt) {
      case 'c':
        ++o.count;
        break;
      case 'e':
        ++o.expand;
        break;
      case 'f':
        ++o.fold;
        break;
      case 'l':
        ++o.list;
        break;
      case 'L':
        ++o.list_all;
        break;
      case 'a':
        o.all = true;
        break;
      case 'q':
        o.quiet = true;
        break;
      case 'G':
        o.groupbase = true;
        break;
      default:
        throw UsageError(fmt::format("no such option: -{}", opt));
    }
  };
  const std::string with_value = "ixXOSs";
  for (; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    if (arg[1] == '-') {
      const auto eq = arg.find('=');
      const std::string name = arg.substr(0, eq);
      const std::string attached = eq == std::string::npos ? "" : arg.substr(eq + 1);
      static const std::vector<std::pair<std::string, char>> kLong = {
          {"--count", 'c'},     {"--expand", 'e'},     {"--fold", 'f'},
          {"--list", 'l'},      {"--list-all", 'L'},   {"--all", 'a'},
          {"--quiet", 'q'},     {"--groupbase", 'G'},  {"--intersection", 'i'},
          {"--exclude", 'x'},   {"--xor", 'X'},        {"--output-format", 'O'},
          {"--separator", 'S'}, {"--groupsource", 's'}};
      if (name == "--groupsources" || name == "--list-sources") {
        ++o.sources;
        continue;
      }
      if (name == "--help") throw UsageError("");
      std::optional<char> opt;
      for (const auto& [long_name, short_name] : kLong) {
        if (long_name == name) opt = short_name;
      }
      if (!opt) throw UsageError(fmt::format("no such option: {}", name));
      if (with_value.find(*opt) != std::string::npos) {
        apply_value(*opt, value_of(name, attached));
      } else {
        apply_flag(*opt);
      }
      continue;
    }
    for (std::size_t k = 1; k < arg.size(); ++k) {
      const char opt = arg[k];
      if (opt == 'h') throw UsageError("");
      if (with_value.find(opt) != std::string::npos) {
        apply_value(opt, value_of(fmt::format("-{}", opt), arg.substr(k + 1)));
        break;
      }
      apply_flag(opt);
    }
  }
  o.args.assign(argv.begin() + static_cast<std::ptrdiff_t>(std::min(i, argv.size())), argv.end());
  return o;
}

NodeSet parse_lines(const std::string& text, const GroupResolver& groups) {
  NodeSet set;
  std::size_t pos = 0;
  for (;;) {
    const auto end = text.find('\n', pos);
    const std::string line =
        text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    set.update(NodeSet::parse(line, &groups, GroupPolicy::kClusterShell));
    if (end == std::string::npos || end + 1 == text.size()) break;
    pos = end + 1;
  }
  return set;
}

// A word that parses as one node name: no brackets, operators, groups,
// wildcards or '%'. Such words skip the full parser (same result, faster).
bool is_plain_word(std::string_view word) {
  for (const char c : word) {
    switch (c) {
      case '[':
      case ']':
      case '@':
      case ',':
      case '!':
      case '&':
      case '^':
      case '*':
      case '?':
      case '%':
        return false;
      default:
        break;
    }
  }
  return true;
}

NodeSet read_stdin(const GroupResolver& groups) {
  NodeSet set;
  std::vector<std::string> plain;
  auto flush = [&]() {
    if (plain.empty()) return;
    set.update(NodeSet::from_names(plain));
    plain.clear();
  };
  // Read all of standard input at once: line-by-line iostream reads cost
  // more than the parsing.
  std::string input;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
    if (n == 0) break;
    input.append(buffer, n);
  }
  std::size_t line_start = 0;
  while (line_start < input.size()) {
    std::size_t line_end = input.find('\n', line_start);
    if (line_end == std::string::npos) line_end = input.size();
    std::string_view line(input.data() + line_start, line_end - line_start);
    line_start = line_end + 1;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::size_t pos = 0;
    while (pos < line.size()) {
      // Character loops: find_first_of with a set calls memchr per character.
      const auto blank = [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
      };
      std::size_t start = pos;
      while (start < line.size() && blank(line[start])) ++start;
      if (start == line.size()) break;
      std::size_t end = start;
      while (end < line.size() && !blank(line[end])) ++end;
      if (end == line.size()) end = std::string_view::npos;
      std::string word(
          line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (is_plain_word(word)) {
        plain.push_back(std::move(word));
      } else {
        flush();
        set.update(NodeSet::parse(word, &groups, GroupPolicy::kClusterShell));
      }
      pos = end;
    }
  }
  flush();
  return set;
}

int run_nodeset(const Invocation& invocation, const std::vector<std::string>& argv) {
  NodesetOptions o;
  try {
    o = parse_options(argv);
    const int commands = o.count + o.expand + o.fold + (o.list > 0) + (o.list_all > 0) + o.sources;
    if (commands == 0) throw UsageError("No command specified.");
    if (commands > 1) throw UsageError("Multiple commands not allowed.");
  } catch (const UsageError& error) {
    std::cerr << kUsage;
    if (*error.what() != '\0') std::cerr << "\ngreenlight nodeset: error: " << error.what() << "\n";
    return 2;
  }
  try {
    auto groups = load_nodeset_groups(invocation);
    if (o.groupsource) groups->set_default(*o.groupsource);
    if (o.sources) {
      bool first = true;
      for (const auto& name : groups->source_names_default_first()) {
        std::cout << name << (first && !o.quiet ? " (default)" : "") << "\n";
        first = false;
      }
      return 0;
    }
    NodeSet xset;
    if (o.all) xset.update(NodeSet::parse("@*", groups.get(), GroupPolicy::kClusterShell));
    if (o.args.empty() && !o.all && o.list == 0 && o.list_all == 0)
      xset.update(read_stdin(*groups));
    if (xset.empty() && !(o.and_nodes.empty() && o.sub_nodes.empty() && o.xor_nodes.empty()) &&
        !o.quiet) {
      std::cerr << "WARNING: empty left operand for set operation\n";
    }
    auto operand = [&](const std::string& nodes) {
      return nodes == "-" ? read_stdin(*groups)
                          : NodeSet::parse(nodes, groups.get(), GroupPolicy::kClusterShell);
    };
    for (const auto& nodes : o.and_nodes) xset.intersection_update(operand(nodes));
    for (const auto& nodes : o.sub_nodes) xset.difference_update(operand(nodes));
    for (const auto& nodes : o.xor_nodes) xset.symmetric_difference_update(operand(nodes));
    for (std::size_t i = 0; i < o.args.size(); ++i) {
      const std::string& arg = o.args[i];
      auto next = [&]() -> const std::string& {
        if (i + 1 >= o.args.size()) throw std::out_of_range("pop from empty list");
        return o.args[++i];
      };
      auto lines = [&](const std::string& value) {
        return value == "-" ? read_stdin(*groups) : parse_lines(value, *groups);
      };
      if (arg == "-i" || arg == "--intersection") {
        xset.intersection_update(lines(next()));
      } else if (arg == "-x" || arg == "--exclude") {
        xset.difference_update(lines(next()));
      } else if (arg == "-X" || arg == "--xor") {
        xset.symmetric_difference_update(lines(next()));
      } else if (arg == "-") {
        xset.update(read_stdin(*groups));
      } else {
        xset.update(parse_lines(arg, *groups));
      }
    }
    if (o.list > 0 || o.list_all > 0) {
      print_group_list(std::cout, *groups, xset, o.list + o.list_all, o.groupsource, o.groupbase,
                       o.all || !xset.empty() || !o.and_nodes.empty() || !o.sub_nodes.empty() ||
                           !o.xor_nodes.empty());
      return 0;
    }
    const std::string separator = unescape_separator(o.separator);
    if (o.expand) {
      std::string out = expand_with_format(xset, o.output_format, separator);
      out += '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
    } else if (o.fold) {
      std::cout << fold_with_format(xset, o.output_format) << "\n";
    } else {
      std::cout << format_count(o.output_format, xset.size()) << "\n";
    }
    return 0;
  } catch (const NodeSetParseError& error) {
    std::cerr << "greenlight nodeset: Parse error: " << error.what() << " (at offset "
              << error.position() << " of \"" << error.input() << "\")\n";
  } catch (const RangeSetParseError& error) {
    std::cerr << "greenlight nodeset: Parse error: " << error.what() << "\n";
  } catch (const GroupResolutionError& error) {
    std::cerr << "greenlight nodeset: Group error: " << error.what() << "\n";
  } catch (const std::exception& error) {
    std::cerr << "greenlight nodeset: " << error.what() << "\n";
  }
  return 1;
}

const CommandRegistration kRegistration{{"nodeset",
                                         "nodeset (-f|-e|-c|-l) [-O FMT] [-S SEP] [-x|-i|-X NODES] "
                                         "NODES...  fold, expand, count node sets",
                                         run_nodeset}};

}  // namespace
}  // namespace greenlight::app
