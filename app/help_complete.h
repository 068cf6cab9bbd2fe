// Shell completion: what may come at the word being typed, from the same
// description as --help (help_tree.h) and, for the values that name things
// of the site (checks, runbooks, phases, runs, groups, hosts), from the
// site configuration the command line names. The bash script
// (app/completion/greenlight.bash) asks `greenlight __complete WORD...`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "help_tree.h"

namespace greenlight::app {

/// What the site holds that a command line names. Each is asked only when
/// the word needs it; an unreadable site gives empty lists.
struct SiteNames {
  /// Told the value of -c/--config when the line has one, before any other.
  std::function<void(const std::string& config)> config;
  std::function<std::vector<std::string>()> checks;
  std::function<std::vector<std::string>()> runbooks;
  std::function<std::vector<std::string>(const std::string& runbook)> phases;
  /// The runs in `directory`, or in the site's state directory when empty.
  std::function<std::vector<std::string>(const std::string& directory)> runs;
  /// The runs not ended (runbook::unfinished_runs): what abort, resume
  /// and attach act on.
  std::function<std::vector<std::string>(const std::string& directory)> unfinished_runs;
  std::function<std::vector<std::string>()> groups;  ///< without '@'
  /// The group sources besides the default one (`nodeset --groupsources`).
  std::function<std::vector<std::string>()> sources;
  /// The groups of a source that can be named without running anything
  /// (a groups file, fleet's unit states); empty for an upcall source.
  std::function<std::vector<std::string>(const std::string& source)> source_groups;
  std::function<std::vector<std::string>()> hosts;
};

struct Completion {
  enum class Kind {
    kWords,        ///< `words`, each starting with the word typed
    kFiles,        ///< file names: the shell lists them
    kDirectories,  ///< directory names: the shell lists them
  };
  Kind kind = Kind::kWords;
  std::vector<std::string> words;
};

/// Completes the last of `words` (the words after `greenlight`, the last one
/// being typed, possibly empty) against `root` (describe_greenlight).
/// Pure but for `names`.
Completion complete(const HelpCommand& root, const std::vector<std::string>& words,
                    const SiteNames& names);

/// The SiteNames of the site in `config_path` (or the file given to
/// `config`), read when first asked: a file that cannot be read, or holds
/// errors, gives what could be read.
SiteNames site_names(const std::string& config_path);

}  // namespace greenlight::app
