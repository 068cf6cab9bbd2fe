#include "nodeset_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "greenlight/core/python_space.h"

namespace greenlight::app {

const char* const kNodesetUsage =
    "Usage: greenlight nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]\n";

const char* const kNodesetHelp =
    "Usage: greenlight nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]\n"
    "\n"
    "ClusterShell's nodeset: same options, output and exit codes.\n"
    "\n"
    "Commands:\n"
    "  -c, --count            show number of nodes in nodeset(s)\n"
    "  -e, --expand           expand nodeset(s) to separate nodes\n"
    "  -f, --fold             fold nodeset(s) (or separate nodes) into one nodeset\n"
    "  -l, --list             list node groups from one source (see -s GROUPSOURCE)\n"
    "  -L, --list-all         list node groups from all group sources\n"
    "  -r, --regroup          fold nodes using node groups (see -s GROUPSOURCE)\n"
    "  --list-sources, --groupsources\n"
    "                         list all active group sources (see groups.conf(5))\n"
    "\n"
    "Operations:\n"
    "  -x SUB_NODES, --exclude=SUB_NODES       exclude specified nodeset\n"
    "  -i AND_NODES, --intersection=AND_NODES  calculate nodesets intersection\n"
    "  -X XOR_NODES, --xor=XOR_NODES           calculate symmetric difference\n"
    "\n"
    "Options:\n"
    "  -h, --help             show this help message and exit\n"
    "  --version              show program's version number and exit\n"
    "  -s GROUPSOURCE, --groupsource=GROUPSOURCE\n"
    "                         optional groups.conf(5) group source to use\n"
    "  --groupsconf=FILE      use alternate config file for groups.conf(5)\n"
    "  -a, --all              call external node groups support to display all nodes\n"
    "  --autostep=AUTOSTEP    enable a-b/step style syntax when folding, value is\n"
    "                         min node count threshold (eg. '4', '50%' or 'auto')\n"
    "  -d, --debug            output more messages for debugging purpose\n"
    "  -q, --quiet            be quiet, print essential output only\n"
    "  -R, --rangeset         switch to RangeSet instead of NodeSet\n"
    "  -G, --groupbase        hide group source prefix (always \"@groupname\")\n"
    "  -S SEPARATOR, --separator=SEPARATOR\n"
    "                         separator string to use when expanding nodesets\n"
    "  -O FORMAT, --output-format=FORMAT\n"
    "                         output format, Python's % operator (default: '%s')\n"
    "  -o text|json           print text (default) or one JSON document (docs/json.md)\n"
    "  -I SLICE_RANGESET, --slice=SLICE_RANGESET\n"
    "                         return sliced off result\n"
    "  --split=MAXSPLIT       split result into a number of subsets\n"
    "  --contiguous           split result into contiguous subsets\n"
    "  --axis=RANGESET        fold along these axis only (axis 1..n for nD nodeset)\n"
    "  --pick=N               pick N node(s) at random in nodeset\n"
    "\n"
    "Examples:\n"
    "  greenlight nodeset -f node3 node1 node2          # node[1-3]\n"
    "  greenlight nodeset -e -O '%s-ipmi' 'node[1-2]'   # node1-ipmi node2-ipmi\n"
    "  greenlight nodeset -c @compute -x node5\n"
    "  greenlight nodeset --split=2 -f 'node[1-10]'\n"
    "  sort -R hosts | greenlight nodeset -f\n";

namespace {

enum class Kind { kFlag, kCounter, kString, kSafeString, kInt, kAutostep, kHelp, kVersion };

struct Option {
  char short_name;  // '\0': long only
  std::vector<std::string> long_names;
  Kind kind;
  const char* dest;
};

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {'h', {"--help"}, Kind::kHelp, "help"},
      {'\0', {"--version"}, Kind::kVersion, "version"},
      {'s', {"--groupsource"}, Kind::kSafeString, "groupsource"},
      {'\0', {"--groupsconf"}, Kind::kString, "groupsconf"},
      {'c', {"--count"}, Kind::kFlag, "count"},
      {'e', {"--expand"}, Kind::kFlag, "expand"},
      {'f', {"--fold"}, Kind::kFlag, "fold"},
      {'l', {"--list"}, Kind::kCounter, "list"},
      {'L', {"--list-all"}, Kind::kCounter, "listall"},
      {'r', {"--regroup"}, Kind::kFlag, "regroup"},
      {'\0', {"--list-sources", "--groupsources"}, Kind::kFlag, "groupsources"},
      {'x', {"--exclude"}, Kind::kString, "sub_nodes"},
      {'i', {"--intersection"}, Kind::kString, "and_nodes"},
      {'X', {"--xor"}, Kind::kString, "xor_nodes"},
      {'a', {"--all"}, Kind::kFlag, "all"},
      {'\0', {"--autostep"}, Kind::kAutostep, "autostep"},
      {'d', {"--debug"}, Kind::kFlag, "debug"},
      {'q', {"--quiet"}, Kind::kFlag, "quiet"},
      {'R', {"--rangeset"}, Kind::kFlag, "rangeset"},
      {'G', {"--groupbase"}, Kind::kFlag, "groupbase"},
      {'S', {"--separator"}, Kind::kString, "separator"},
      {'O', {"--output-format"}, Kind::kString, "output_format"},
      // Not in ClusterShell, and short only: --output would take
      // --output-format's abbreviations away.
      {'o', {}, Kind::kString, "output"},
      {'I', {"--slice"}, Kind::kString, "slice_rangeset"},
      {'\0', {"--split"}, Kind::kInt, "maxsplit"},
      {'\0', {"--contiguous"}, Kind::kFlag, "contiguous"},
      {'\0', {"--axis"}, Kind::kString, "axis"},
      {'\0', {"--pick"}, Kind::kInt, "pick"},
  };
  return kOptions;
}

bool takes_value(Kind kind) {
  return kind == Kind::kString || kind == Kind::kSafeString || kind == Kind::kInt ||
         kind == Kind::kAutostep;
}

std::string python_repr_ascii(const std::string& value) {
  // optparse quotes values with %r; plain quotes serve for the messages.
  return "'" + value + "'";
}

// Python's int(text, radix): blanks around, a sign, single underscores
// between digits.
std::optional<long long> python_int(std::string text, int radix) {
  text = std::string(python_strip(text));
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text = text.substr(1);
  }
  const auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
  };
  if (radix == 16 && lower(text).rfind("0x", 0) == 0) text = text.substr(2);
  if (radix == 2 && lower(text).rfind("0b", 0) == 0) text = text.substr(2);
  std::string clean;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      if (i == 0 || i + 1 == text.size() || text[i + 1] == '_') return std::nullopt;
      continue;
    }
    clean += text[i];
  }
  if (clean.empty() || clean.size() > 18) return std::nullopt;
  for (char c : clean) {
    const auto u = static_cast<unsigned char>(c);
    const int digit = std::isdigit(u) ? c - '0' : std::isalpha(u) ? std::tolower(u) - 'a' + 10 : 99;
    if (digit >= radix) return std::nullopt;
  }
  const long long parsed = std::strtoll(clean.c_str(), nullptr, radix);
  return negative ? -parsed : parsed;
}

// optparse's _parse_num: "0x" hexadecimal, "0b" binary, a leading "0"
// octal, else decimal.
std::optional<long long> parse_int(const std::string& value) {
  std::string lower = value.substr(0, 2);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "0x") return python_int(value, 16);
  if (lower == "0b") return python_int(value.size() > 2 ? value.substr(2) : "0", 2);
  if (!value.empty() && value[0] == '0') return python_int(value, 8);
  return python_int(value, 10);
}

std::optional<Autostep> parse_autostep(const std::string& value) {
  Autostep step;
  if (value.find('%') != std::string::npos) {
    const std::string number = value.substr(0, value.size() - 1);
    char* end = nullptr;
    errno = 0;
    const double fraction = std::strtod(number.c_str(), &end);
    const bool whole = !number.empty() && end != nullptr && *end == '\0' && errno == 0 &&
                       number.find_first_of("xXpP") == std::string::npos;
    if (whole) {
      step.kind = Autostep::Kind::kFraction;
      step.fraction = fraction / 100.0;
      return step;
    }
  } else if (auto count = python_int(value, 10)) {
    step.count = *count;
    return step;
  }
  if (value == "auto") {
    step.kind = Autostep::Kind::kAuto;
    return step;
  }
  return std::nullopt;
}

}  // namespace

NodesetOptions parse_nodeset_options(const std::vector<std::string>& argv) {
  NodesetOptions o;
  std::size_t i = 0;
  auto apply = [&](const Option& option, const std::string& shown,
                   const std::optional<std::string>& value) {
    const std::string dest = option.dest;
    switch (option.kind) {
      case Kind::kHelp:
        o.help = true;
        return;
      case Kind::kVersion:
        o.version = true;
        return;
      case Kind::kCounter:
        ++(dest == "list" ? o.list : o.list_all);
        return;
      case Kind::kFlag:
        if (dest == "count") o.count = 1;
        if (dest == "expand") o.expand = 1;
        if (dest == "fold") o.fold = 1;
        if (dest == "regroup") o.regroup = 1;
        if (dest == "groupsources") o.sources = 1;
        if (dest == "all") o.all = true;
        if (dest == "debug") o.debug = true;
        if (dest == "quiet") o.quiet = true;
        if (dest == "rangeset") o.rangeset = true;
        if (dest == "groupbase") o.groupbase = true;
        if (dest == "contiguous") o.contiguous = true;
        return;
      case Kind::kSafeString:
        if (value->empty() || (*value)[0] == '-') {
          throw NodesetUsageError(
              fmt::format("option {}: invalid value: {}", shown, python_repr_ascii(*value)));
        }
        o.groupsource = *value;
        return;
      case Kind::kInt: {
        const auto number = parse_int(*value);
        if (!number) {
          throw NodesetUsageError(fmt::format("option {}: invalid integer value: {}", shown,
                                              python_repr_ascii(*value)));
        }
        (dest == "maxsplit" ? o.split : o.pick) = *number;
        return;
      }
      case Kind::kAutostep: {
        auto step = parse_autostep(*value);
        if (!step) {
          throw NodesetUsageError(fmt::format(
              "option {}: invalid value: {}, should be node count, node percentage or 'auto'",
              shown, python_repr_ascii(*value)));
        }
        o.autostep = step;
        return;
      }
      case Kind::kString:
        if (dest == "groupsconf") o.groupsconf = *value;
        if (dest == "sub_nodes") o.sub_nodes.push_back(*value);
        if (dest == "and_nodes") o.and_nodes.push_back(*value);
        if (dest == "xor_nodes") o.xor_nodes.push_back(*value);
        if (dest == "separator") o.separator = *value;
        if (dest == "output_format") o.output_format = *value;
        if (dest == "output") {
          const auto format = output_format_named(*value);
          if (!format) {
            throw NodesetUsageError(
                fmt::format("option {}: invalid choice: {} (choose from 'text', 'json')", shown,
                            python_repr_ascii(*value)));
          }
          o.output = *format;
        }
        if (dest == "slice_rangeset") o.slice = *value;
        if (dest == "axis") o.axis = *value;
        return;
    }
  };
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
      // optparse's _match_abbrev: an exact name, or the one name it begins.
      const Option* found = nullptr;
      std::string full;
      std::vector<std::string> candidates;
      for (const auto& option : options()) {
        for (const auto& long_name : option.long_names) {
          if (long_name == name) {
            found = &option;
            full = long_name;
            candidates = {long_name};
            break;
          }
          if (long_name.rfind(name, 0) == 0) candidates.push_back(long_name);
        }
        if (!full.empty()) break;
      }
      if (full.empty()) {
        if (candidates.empty()) throw NodesetUsageError(fmt::format("no such option: {}", name));
        if (candidates.size() > 1) {
          std::sort(candidates.begin(), candidates.end());
          std::string list;
          for (const auto& c : candidates) list += (list.empty() ? "" : ", ") + c;
          throw NodesetUsageError(fmt::format("ambiguous option: {} ({}?)", name, list));
        }
        full = candidates.front();
        for (const auto& option : options()) {
          for (const auto& long_name : option.long_names)
            if (long_name == full) found = &option;
        }
      }
      std::optional<std::string> value;
      if (takes_value(found->kind)) {
        if (eq != std::string::npos) {
          value = arg.substr(eq + 1);
        } else if (i + 1 < argv.size()) {
          value = argv[++i];
        } else {
          throw NodesetUsageError(fmt::format("{} option requires 1 argument", full));
        }
      } else if (eq != std::string::npos) {
        throw NodesetUsageError(fmt::format("{} option does not take a value", full));
      }
      apply(*found, full, value);
      if (o.help || o.version) return o;
      continue;
    }
    for (std::size_t k = 1; k < arg.size(); ++k) {
      const char c = arg[k];
      const auto it = std::find_if(options().begin(), options().end(),
                                   [&](const Option& option) { return option.short_name == c; });
      if (it == options().end()) throw NodesetUsageError(fmt::format("no such option: -{}", c));
      const std::string shown = fmt::format("-{}", c);
      if (takes_value(it->kind)) {
        std::optional<std::string> value;
        if (k + 1 < arg.size()) {
          value = arg.substr(k + 1);
        } else if (i + 1 < argv.size()) {
          value = argv[++i];
        } else {
          throw NodesetUsageError(fmt::format("{} option requires 1 argument", shown));
        }
        apply(*it, shown, value);
        break;
      }
      apply(*it, shown, std::nullopt);
      if (o.help || o.version) break;
    }
    if (o.help || o.version) return o;
  }
  o.args.assign(argv.begin() + static_cast<std::ptrdiff_t>(std::min(i, argv.size())), argv.end());
  return o;
}

}  // namespace greenlight::app

