#include "help_complete.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

#include "greenlight/checks/check_group_source.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/fleet.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/run_checks.h"
#include "greenlight/runbook/run_store.h"
#include "greenlight/runbook/runbook.h"
#include "nodeset_output.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {
namespace {

bool starts_with(const std::string& word, const std::string& prefix) {
  return word.compare(0, prefix.size(), prefix) == 0;
}

const HelpOption* find_option(const HelpCommand& command, const std::string& name) {
  for (const auto& option : command.options)
    if (std::find(option.names.begin(), option.names.end(), name) != option.names.end())
      return &option;
  return nullptr;
}

// Where the walk over the words already typed stands.
struct Walk {
  const HelpCommand* command = nullptr;
  const HelpOption* pending = nullptr;  ///< an option whose value comes next
  std::size_t operands = 0;             ///< operands read at this command
  bool only_operands = false;           ///< after "--"
  std::string runbook;                  ///< the runbook an operand named
  std::string runs;                     ///< --runs DIR
};

void take_value(Walk& walk, const HelpOption& option, const std::string& value,
                const SiteNames& names) {
  if (option.value == "CONFIG" && walk.command->path.empty()) names.config(value);
  if (option.value == "DIR") walk.runs = value;
}

Walk walk_words(const HelpCommand& root, const std::vector<std::string>& typed,
                const SiteNames& names) {
  Walk walk;
  walk.command = &root;
  for (const auto& word : typed) {
    if (walk.pending != nullptr) {
      // "--runs=DIR": the shell splits it at '=' into "--runs", "=", "DIR".
      if (word == "=") continue;
      take_value(walk, *walk.pending, word, names);
      walk.pending = nullptr;
      continue;
    }
    if (!walk.only_operands && word == "--") {
      walk.only_operands = true;
      continue;
    }
    if (!walk.only_operands && word.size() > 1 && word[0] == '-') {
      const auto equals = word.find('=');
      const HelpOption* option = find_option(*walk.command, word.substr(0, equals));
      if (option == nullptr || option->value.empty()) continue;
      if (equals == std::string::npos) {
        walk.pending = option;
      } else {
        take_value(walk, *option, word.substr(equals + 1), names);
      }
      continue;
    }
    if (walk.operands == 0) {
      const auto& subs = walk.command->subcommands;
      const auto sub = std::find_if(subs.begin(), subs.end(),
                                    [&](const HelpCommand& c) { return c.path.back() == word; });
      if (sub != subs.end()) {
        walk.command = &*sub;
        continue;
      }
    }
    if (!walk.command->path.empty() && walk.command->path.front() == "runbook" &&
        walk.operands == 0)
      walk.runbook = word;
    ++walk.operands;
  }
  return walk;
}

// A node set being typed ("node1,@comp", "@vm:ru"): what follows its
// last comma.
Completion node_sets(const std::string& typed, const SiteNames& names) {
  const auto comma = typed.rfind(',');
  const std::string head = comma == std::string::npos ? "" : typed.substr(0, comma + 1);
  const std::string stem = typed.substr(head.size());
  Completion out;
  if (const auto colon = stem.find(':'); !stem.empty() && stem[0] == '@' && colon != std::string::npos) {
    const std::string source = stem.substr(1, colon - 1);
    for (const auto& group : names.source_groups(source))
      out.words.push_back(head + "@" + source + ":" + group);
    return out;
  }
  for (const auto& group : names.groups()) out.words.push_back(head + "@" + group);
  for (const auto& source : names.sources()) out.words.push_back(head + "@" + source + ":");
  // Hosts may be many: only once a word is begun.
  if (!stem.empty() && stem[0] != '@')
    for (const auto& host : names.hosts()) out.words.push_back(head + host);
  return out;
}

Completion values(const HelpOption& option, const Walk& walk, const HelpCommand& root,
                  const std::string& typed, const SiteNames& names) {
  const std::string& value = option.value;
  const std::string command = walk.command->path.empty() ? "" : walk.command->path.front();
  Completion out;
  if (!option.choices.empty()) {
    out.words = option.choices;
  } else if (value.find("NODES") != std::string::npos) {
    out = node_sets(typed, names);
  } else if (value == "FILE" || value == "CONFIG" || value == "IDENTITY") {
    out.kind = Completion::Kind::kFiles;
  } else if (value == "DIR") {
    out.kind = Completion::Kind::kDirectories;
  } else if (value == "RUN" && (walk.command->path == std::vector<std::string>{"runbook", "abort"} ||
                                 walk.command->path == std::vector<std::string>{"runbook", "resume"} ||
                                 walk.command->path == std::vector<std::string>{"runbook", "attach"})) {
    out.words = names.unfinished_runs(walk.runs);
  } else if (value == "RUN") {
    out.words = names.runs(walk.runs);
  } else if (value == "GROUPSOURCE") {
    out.words = names.sources();
  } else if (value == "PHASE") {
    out.words = names.phases(walk.runbook);
  } else if (value == "NAME" && command == "check") {
    out.words = names.checks();
  } else if (value == "NAME" && command == "runbook") {
    out.words = names.runbooks();
  } else if (value == "NAME" && command == "resolve") {
    out.words = names.hosts();
  } else if (value == "COMMAND" && command == "help") {
    for (const auto& sub : root.subcommands) out.words.push_back(sub.path.back());
  }
  return out;
}

}  // namespace

Completion complete(const HelpCommand& root, const std::vector<std::string>& words,
                    const SiteNames& names) {
  const std::string typed = words.empty() ? "" : words.back();
  const std::vector<std::string> before(words.begin(), words.end() - (words.empty() ? 0 : 1));
  const Walk walk = walk_words(root, before, names);
  const HelpCommand& command = *walk.command;
  Completion out;
  const std::string stem = typed == "=" ? "" : typed;
  if (command.path == std::vector<std::string>{"help"} && !starts_with(typed, "-")) {
    // "help runbook <TAB>": the subcommands of the command named so far.
    const HelpCommand* node = &root;
    const auto at = std::find(before.begin(), before.end(), "help");
    for (auto word = at == before.end() ? before.end() : at + 1; word != before.end(); ++word) {
      const auto next = std::find_if(node->subcommands.begin(), node->subcommands.end(),
                                     [&](const HelpCommand& sub) { return sub.path.back() == *word; });
      if (next == node->subcommands.end()) break;
      node = &*next;
    }
    for (const auto& sub : node->subcommands) out.words.push_back(sub.path.back());
  } else if (walk.pending != nullptr) {
    out = values(*walk.pending, walk, root, stem, names);
  } else if (!walk.only_operands && starts_with(typed, "-")) {
    for (const auto& option : command.options)
      for (const auto& name : option.names) out.words.push_back(name);
    out.words.push_back("--help");
  } else {
    if (walk.operands == 0)
      for (const auto& sub : command.subcommands) out.words.push_back(sub.path.back());
    if (command.operands.empty() && command.path == std::vector<std::string>{"nodeset"}) {
      // nodeset's optparse usage names no operand; they are node sets.
      out = node_sets(typed, names);
    } else if (!command.operands.empty()) {
      const auto& operand = command.operands[std::min(walk.operands, command.operands.size() - 1)];
      if (walk.operands < command.operands.size() || operand.repeated) {
        Completion more = values(operand, walk, root, typed, names);
        if (out.words.empty()) out.kind = more.kind;
        out.words.insert(out.words.end(), more.words.begin(), more.words.end());
      }
    }
  }
  std::erase_if(out.words, [&](const std::string& word) { return !starts_with(word, stem); });
  std::sort(out.words.begin(), out.words.end());
  out.words.erase(std::unique(out.words.begin(), out.words.end()), out.words.end());
  return out;
}

SiteNames site_names(const std::string& config_path) {
  struct Loaded {
    config::Site site;
    std::vector<runbook::Runbook> runbooks;
  };
  auto path = std::make_shared<std::string>(config_path);
  auto cache = std::make_shared<std::optional<Loaded>>();
  auto load = [cache, path]() -> const Loaded& {
    if (!cache->has_value()) {
      Loaded loaded;
      config::Diagnostics diagnostics;
      try {
        loaded.site = checks::load_site(*path, diagnostics);
        loaded.runbooks = runbook::load_runbooks(loaded.site, diagnostics);
      } catch (const std::exception&) {
        // Completion offers what could be read; the command says what is wrong.
      }
      cache->emplace(std::move(loaded));
    }
    return **cache;
  };
  SiteNames names;
  names.config = [path](const std::string& given) {
    // The shell has not expanded a '~' in the word being typed on.
    const char* home = std::getenv("HOME");
    *path = given.rfind("~/", 0) == 0 && home != nullptr ? home + given.substr(1) : given;
  };
  names.checks = [load] {
    std::vector<std::string> out;
    for (const auto& spec : load().site.checks) out.push_back(spec.name);
    return out;
  };
  names.runbooks = [load] {
    std::vector<std::string> out;
    for (const auto& book : load().runbooks) out.push_back(book.name);
    return out;
  };
  names.phases = [load](const std::string& name) {
    std::vector<std::string> out;
    for (const auto& book : load().runbooks)
      if (book.name == name)
        for (const auto& phase : book.phases) out.push_back(phase.name);
    return out;
  };
  names.runs = [load](const std::string& directory) {
    return runbook::RunStore(runbook::runs_directory(load().site, directory)).list();
  };
  names.unfinished_runs = [load](const std::string& directory) {
    std::vector<std::string> out;
    const runbook::RunStore store(runbook::runs_directory(load().site, directory));
    for (const auto& run : runbook::unfinished_runs(store, "")) out.push_back(run.run);
    return out;
  };
  // The group sources as `nodeset` builds them; nothing is run to list
  // them, and only static groups and fleet's states are offered.
  auto resolver = std::make_shared<std::shared_ptr<GroupResolver>>();
  auto sources = [resolver, path]() -> const GroupResolver* {
    if (!*resolver) {
      Invocation invocation;
      invocation.config_path = *path;
      invocation.config_given = true;
      try {
        *resolver = load_nodeset_groups(invocation);
      } catch (const std::exception&) {
        *resolver = std::make_shared<GroupResolver>();
      }
    }
    return resolver->get();
  };
  names.sources = [sources] {
    // The default one too: "@site:top" is as valid as "@top".
    return sources()->source_names();
  };
  names.source_groups = [sources](const std::string& name) {
    std::vector<std::string> out;
    const auto source = sources()->source(name);
    if (dynamic_cast<const checks::CheckGroupSource*>(source.get()) != nullptr) {
      out = checks::fleet_vm_groups();
    } else if (source != nullptr && !source->dynamic()) {
      // Static files, or a ClusterShell upcall source's `list` (as
      // `nodeset -L` runs it), once the operator typed "@SOURCE:".
      try {
        out = source->list();
      } catch (const std::exception&) {
        // A source that cannot list offers nothing.
      }
    }
    return out;
  };
  names.groups = [load] {
    std::vector<std::string> out;
    for (const auto& [name, nodes] : load().site.groups) out.push_back(name);
    return out;
  };
  names.hosts = [load] {
    std::vector<std::string> out;
    for (const auto& host : load().site.hosts) out.push_back(host.name);
    return out;
  };
  return names;
}

}  // namespace greenlight::app
