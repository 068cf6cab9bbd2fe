// Group sources: where '@group' names in node sets come from.
//
// Mirrors ClusterShell's resolver: named sources (a default one plus others,
// written '@source:group'), each able to map a group to nodes, list its groups
// and optionally list all nodes. Sources: greenlight's own config, ClusterShell
// groups.conf / groups.d YAML files, external upcalls, and dynamic sources fed
// by checks (e.g. `vm` from the fleet check: @vm:running).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight {

/// One group source. Implementations must be safe to call from any thread.
class GroupSource {
 public:
  virtual ~GroupSource() = default;
  /// The node set string of `group`, or nullopt when the source has no such group.
  virtual std::optional<std::string> map(std::string_view group) const = 0;
  /// The names of all groups of this source.
  virtual std::vector<std::string> list() const = 0;
  /// All nodes of the source ('@*'), or nullopt when the source cannot say.
  virtual std::optional<std::string> all() const = 0;
  /// True when the answers come from outside the operator's files (an
  /// upcall's output, a check's facts): the node set parser then refuses
  /// any group or node name of them that is not plain (node_name.h),
  /// before a command can be built with it.
  virtual bool dynamic() const { return false; }
};

/// A set of named group sources with a default one. Thread-safe.
class GroupResolver {
 public:
  /// Adds or replaces a source. The first source added is the default unless
  /// set_default() says otherwise.
  void add_source(std::string name, std::shared_ptr<const GroupSource> source);
  void set_default(std::string name);
  std::string default_source() const;
  /// Source names in the order they were first added.
  std::vector<std::string> source_names() const;
  /// The default source first, then the others by name (`nodeset --groupsources`).
  std::vector<std::string> source_names_default_first() const;
  /// nullptr when there is no source of that name.
  std::shared_ptr<const GroupSource> source(std::string_view name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const GroupSource>, std::less<>> sources_;
  std::vector<std::string> order_;
  std::string default_;
};

}  // namespace greenlight
