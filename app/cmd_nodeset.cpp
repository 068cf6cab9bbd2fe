// greenlight nodeset: ClusterShell 1.9's `nodeset` command, same options,
// same output, same exit codes (2 for usage errors, 1 for bad node sets or
// formats), following ClusterShell/CLI/Nodeset.py step by step.
#include <fmt/format.h>
#include <malloc.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <new>
#include <random>
#include <type_traits>
#include <string>
#include <vector>

#include "command.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/one_line.h"
#include "greenlight/core/percent_format.h"
#include "greenlight/core/rangeset.h"
#include "nodeset_input.h"
#include "nodeset_options.h"
#include "nodeset_output.h"
#include "output.h"

namespace greenlight::app {
namespace {

constexpr const char* kClusterShellVersion = "1.9.1";

// The checks optparse's caller makes before any node set is read.
void check_commands(const NodesetOptions& o) {
  const int commands = o.count + o.expand + o.fold + (o.list > 0) + (o.list_all > 0) + o.regroup +
                       o.sources;
  if (commands == 0) throw NodesetUsageError("No command specified.");
  if (commands > 1) throw NodesetUsageError("Multiple commands not allowed.");
  if (o.rangeset && (o.all || o.regroup))
    throw NodesetUsageError("-a/-r only supported in NodeSet mode");
  if (o.split && o.contiguous)
    throw NodesetUsageError("incompatible splitting options (split, contiguous)");
  if (o.axis && !o.axis->empty() && (!o.fold || o.rangeset))
    throw NodesetUsageError("--axis option is only supported when folding nodeset");
}

// --axis: 1-based axes as a range set ("1,3"), or one negative axis ("-1").
std::vector<std::int64_t> fold_axes(const std::string& axis) {
  std::vector<std::int64_t> axes;
  if (axis[0] != '-') {
    RangeSet::parse(axis).for_each([&](std::string_view digits) {
      const std::int64_t value = std::stoll(std::string(digits));
      if (value > 0) axes.push_back(value - 1);
    });
    return axes;
  }
  std::size_t used = 0;
  const std::int64_t value = std::stoll(axis, &used);
  if (used != axis.size()) {
    throw std::invalid_argument(
        fmt::format("invalid literal for int() with base 10: '{}'", axis));
  }
  axes.push_back(value);
  return axes;
}

// The autostep once the set is known ("auto" and percentages depend on its size).
std::optional<std::int64_t> final_autostep(const std::optional<Autostep>& step, std::size_t size) {
  if (!step) return std::nullopt;
  switch (step->kind) {
    case Autostep::Kind::kAuto:
      return std::max<std::int64_t>(3, static_cast<std::int64_t>(size));
    case Autostep::Kind::kFraction:
      return static_cast<std::int64_t>(std::ceil(static_cast<double>(size) * step->fraction));
    case Autostep::Kind::kCount:
      break;
  }
  return step->count;
}

// -I: the positions of the slice range set, as Python slices of the set.
template <typename Ops>
typename Ops::Set sliced(const typename Ops::Set& set, const std::string& slice, const Ops& ops) {
  typename Ops::Set out;
  const auto length = static_cast<std::int64_t>(ops.size(set));
  for (const auto& piece : RangeSet::parse(slice).contiguous()) {
    const auto& run = piece.runs();
    std::int64_t start = run.front().first;
    std::int64_t stop = run.back().last + 1;
    if (start < 0) start = std::max<std::int64_t>(0, length + start);
    if (stop < 0) stop = std::max<std::int64_t>(0, length + stop);
    if (stop > start) ops.update(out, ops.slice(set, static_cast<std::size_t>(start),
                                                static_cast<std::size_t>(stop)));
  }
  return out;
}

// --pick N: N members at random (as a node set written back and parsed).
template <typename Ops>
void pick(typename Ops::Set& set, long long count, const Ops& ops) {
  if (count == 0 || count >= static_cast<long long>(ops.size(set))) return;
  if (count < 0) throw std::invalid_argument("Sample larger than population or is negative");
  std::vector<std::string> members = ops.members(set);
  std::mt19937_64 random(std::random_device{}());
  std::shuffle(members.begin(), members.end(), random);
  members.resize(static_cast<std::size_t>(count));
  set = ops.intersection(set, ops.from_members(members));
}

// -l/-L: the groups as text, or gathered into `json` ("groups").
void list_groups(const NodesetOptions& o, GroupResolver& groups, const NodeSet& nodes, int level,
                 const std::optional<std::string>& source, bool filtered, JsonDocument& json) {
  const auto listing = group_list(groups, nodes, source, o.groupbase, filtered);
  if (o.output == OutputFormat::kText) {
    print_group_list(std::cout, listing, level, filtered);
    return;
  }
  for (const auto& entry : listing) {
    json["groups"].push_back({{"source", entry.source},
                              {"group", entry.group},
                              {"name", entry.word},
                              {"nodes", entry.members.fold()},
                              {"count", entry.members.size()},
                              {"total", entry.total}});
  }
}

template <typename Ops>
int run(const NodesetOptions& o, const Ops& ops, GroupResolver& groups) {
  using Set = typename Ops::Set;
  std::optional<std::int64_t> autostep;
  if (o.autostep && o.autostep->kind == Autostep::Kind::kCount) autostep = o.autostep->count;
  Set xset;
  if (o.all) ops.update(xset, ops.parse("@*"));
  if (o.args.empty() && !o.all && o.list == 0 && o.list_all == 0)
    ops.update(xset, read_stdin_set(ops));
  if (ops.empty(xset) && !(o.and_nodes.empty() && o.sub_nodes.empty() && o.xor_nodes.empty()) &&
      !o.quiet) {
    std::cerr << "WARNING: empty left operand for set operation\n";
  }
  auto operand = [&](const std::string& nodes) {
    return nodes == "-" ? read_stdin_set(ops) : ops.parse(nodes);
  };
  for (const auto& nodes : o.and_nodes) intersect_operand(xset, nodes, operand(nodes), ops);
  for (const auto& nodes : o.sub_nodes) ops.difference(xset, operand(nodes));
  for (const auto& nodes : o.xor_nodes) ops.symmetric_difference(xset, operand(nodes));
  compute_from_args(xset, o.args, ops);
  if (o.list > 0 || o.list_all > 0) {
    JsonDocument json = {{"command", "list"}, {"groups", JsonDocument::array()}};
    const auto done = [&] {
      if (o.output == OutputFormat::kJson) print_json_document("nodeset", json);
      return 0;
    };
    if constexpr (std::is_same_v<Set, NodeSet>) {
      const bool filtered = o.all || !xset.empty() || !o.and_nodes.empty() ||
                            !o.sub_nodes.empty() || !o.xor_nodes.empty();
      if (o.list_all == 0) {
        list_groups(o, groups, xset, o.list, o.groupsource, filtered, json);
        return done();
      }
      // -L: every source, the default (or -s's) first and unnamed unless -s
      // was given; a source without a list upcall is a warning, as in
      // ClusterShell's command_list.
      auto sources = groups.source_names_default_first();
      if (o.groupsource) {
        std::erase(sources, *o.groupsource);
        sources.insert(sources.begin(), *o.groupsource);
      }
      for (std::size_t i = 0; i < sources.size(); ++i) {
        const std::optional<std::string> source =
            i == 0 && !o.groupsource ? std::nullopt : std::optional(sources[i]);
        try {
          list_groups(o, groups, xset, o.list + o.list_all, source, filtered, json);
        } catch (const GroupResolutionError& error) {
          if (std::string_view(error.what()).find("upcall defined") == std::string_view::npos)
            throw;
          std::cout.flush();
          std::cerr << "Warning: No list upcall defined for group source " << sources[i] << "\n";
        }
      }
      return done();
    } else {
      // Without a set to filter with, the groups are listed as without -R.
      const bool filtered = !xset.empty() || !o.and_nodes.empty() || !o.sub_nodes.empty() ||
                            !o.xor_nodes.empty();
      if (filtered) throw std::invalid_argument("'RangeSet' object has no attribute 'groups'");
      list_groups(o, groups, NodeSet(), o.list + o.list_all, o.groupsource, false, json);
      return done();
    }
  }
  const std::string separator = unescape_separator(o.separator);
  if (o.slice) {
    if (o.rangeset) autostep.reset();  // a new RangeSet takes the slices
    xset = sliced(xset, *o.slice, ops);
  }
  if (o.autostep && o.autostep->kind != Autostep::Kind::kCount)
    autostep = final_autostep(o.autostep, ops.size(xset));
  FoldStyle style{autostep, std::nullopt};
  if (o.axis && !o.axis->empty()) style.axes = fold_axes(*o.axis);
  if (o.pick) pick(xset, *o.pick, ops);

  const std::string& format = o.output_format;
  if constexpr (std::is_same_v<Set, NodeSet>) {
    if (o.fold && format != "%s") {
      xset = formatted_set(xset, format);
      style.axes.reset();  // the new set has no fold axes, as in ClusterShell
    }
  }
  auto result = [&](const Set& set) -> std::string {
    if (o.expand) return ops.expand(set, format, separator);
    if (o.fold) return ops.fold(set, format, style);
    if (o.regroup) {
      if constexpr (std::is_same_v<Set, NodeSet>) {
        return percent_format(format, std::string_view(regroup(set, groups, o.groupsource,
                                                                o.groupbase, style)));
      }
    }
    return format_count(format, ops.size(set));
  };
  const long long parts = o.split.value_or(1);
  std::vector<Set> subsets;
  if (ops.empty(xset) || (parts <= 1 && !o.contiguous)) {
    subsets.push_back(std::move(xset));
  } else if (o.contiguous) {
    // Subsets are new sets: no fold axes, and contiguous ones no autostep.
    style.axes.reset();
    subsets = ops.contiguous(xset, style.autostep);
    style.autostep.reset();
  } else {
    style.axes.reset();
    subsets = ops.split(xset, static_cast<std::size_t>(parts));
  }
  if (o.output == OutputFormat::kText) {
    for (const auto& subset : subsets) std::cout << result(subset) << "\n";
    return 0;
  }
  const char* command = o.expand ? "expand" : o.fold ? "fold" : o.regroup ? "regroup" : "count";
  JsonDocument results = JsonDocument::array();
  for (const auto& subset : subsets) {
    JsonDocument entry = {{"text", result(subset)}, {"count", ops.size(subset)}};
    if (o.expand) entry["members"] = ops.members(subset);
    results.push_back(std::move(entry));
  }
  print_json_document("nodeset", {{"command", command},
                                  {"rangeset", o.rangeset},
                                  {"results", results}});
  return 0;
}

int run_nodeset(const Invocation& invocation, const std::vector<std::string>& argv) {
  // The large buffers of one run (standard input, index keys, the folded
  // text) come from the heap and are reused there, not mapped anew and
  // faulted in page by page: on a million names, page faults were a third
  // of the time. The process ends with the command.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  NodesetOptions o;
  try {
    o = parse_nodeset_options(argv);
    if (o.help) {
      std::cout << kNodesetHelp;
      return 0;
    }
    if (o.version) {
      std::cout << "nodeset " << kClusterShellVersion << " (greenlight)\n";
      return 0;
    }
    check_commands(o);
  } catch (const NodesetUsageError& error) {
    std::cerr << kNodesetUsage << "\ngreenlight nodeset: error: " << error.what() << "\n";
    return 2;
  }
  try {
    std::shared_ptr<GroupResolver> groups;
    if (o.groupsconf) {
      groups = std::make_shared<GroupResolver>();
      // A file that does not exist gives no group source, as in ClusterShell.
      if (std::filesystem::exists(*o.groupsconf))
        load_clustershell_groups_file(*groups, *o.groupsconf);
    } else {
      groups = load_nodeset_groups(invocation);
    }
    if (o.groupsource && !o.quiet && o.rangeset)
      std::cerr << "WARNING: option group source \"" << *o.groupsource << "\" ignored\n";
    if (o.groupsource) {
      // ClusterShell makes it the default source before anything else, and
      // a name it does not know is an error even where no group is used.
      if (groups->source(*o.groupsource) == nullptr) {
        std::cerr << "greenlight nodeset: Unknown group source: \"" << one_line(*o.groupsource)
                  << "\"\n";
        return 1;
      }
      groups->set_default(*o.groupsource);
    }
    if (o.sources) {
      bool first = true;
      JsonDocument sources = JsonDocument::array();
      for (const auto& name : groups->source_names_default_first()) {
        if (o.output == OutputFormat::kJson) sources.push_back({{"name", name}, {"default", first}});
        if (o.output == OutputFormat::kText)
          std::cout << name << (first && !o.quiet ? " (default)" : "") << "\n";
        first = false;
      }
      if (o.output == OutputFormat::kJson)
        print_json_document("nodeset", {{"command", "list-sources"}, {"sources", sources}});
      return 0;
    }
    if (o.rangeset) return run(o, RangeSetOps(), *groups);
    return run(o, NodeSetOps(*groups), *groups);
  } catch (const NodeSetParseError& error) {
    // What the operator typed is echoed: its control bytes escaped, so that
    // a pasted escape sequence cannot move the terminal's cursor.
    std::cerr << "greenlight nodeset: Parse error: " << one_line(error.what()) << " (at offset "
              << error.position() << " of \"" << one_line(error.input()) << "\")\n";
  } catch (const RangeSetParseError& error) {
    std::cerr << "greenlight nodeset: Parse error: " << one_line(error.what()) << "\n";
  } catch (const GroupResolutionError& error) {
    std::cerr << "greenlight nodeset: Group error: " << one_line(error.what()) << "\n";
  } catch (const std::bad_alloc&) {
    // ClusterShell says "range too large" for such sets.
    std::cerr << "greenlight nodeset: ERROR: range too large (not enough memory to hold it)\n";
  } catch (const std::exception& error) {
    // A configuration's errors are lines of their own (file:line:column).
    std::cerr << "greenlight nodeset: " << error.what() << "\n";
  }
  return 1;
}

const CommandRegistration kRegistration{
    {"nodeset",
     "nodeset (-f|-e|-c|-r|-l) [-o text|json] [-O FMT] [-S SEP] [--split N] [-x|-i|-X NODES] NODES...  "
     "ClusterShell's nodeset: fold, expand, count node sets",
     run_nodeset}};

}  // namespace
}  // namespace greenlight::app
