// Group sources from ClusterShell's own configuration, so that a site's
// existing groups (groups.conf, groups.conf.d/*.conf, groups.d/*.yaml and
// their upcalls) work unchanged in greenlight.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/group_source.h"

namespace greenlight {

/// A source whose groups are given as data (greenlight's site config, or a
/// ClusterShell groups.d YAML file). Values are node set strings.
class StaticGroupSource : public GroupSource {
 public:
  explicit StaticGroupSource(std::map<std::string, std::string, std::less<>> groups,
                             std::optional<std::string> all = std::nullopt)
      : groups_(std::move(groups)), all_(std::move(all)) {}
  std::optional<std::string> map(std::string_view group) const override;
  std::vector<std::string> list() const override;
  std::optional<std::string> all() const override { return all_; }

 private:
  std::map<std::string, std::string, std::less<>> groups_;
  std::optional<std::string> all_;
};

/// A ClusterShell upcall source: shell commands for map / list / all with
/// $GROUP, $SOURCE and $CFGDIR substituted, run by /bin/sh in CFGDIR with a
/// deadline, answers cached for cache_time. Thread-safe.
class UpcallGroupSource : public GroupSource {
 public:
  struct Upcalls {
    std::string name;
    std::filesystem::path cfgdir;
    std::string map, list, all;  ///< empty: not defined
    std::chrono::seconds cache_time{3600};
    std::chrono::seconds timeout{30};
  };
  explicit UpcallGroupSource(Upcalls upcalls);
  ~UpcallGroupSource() override;
  /// Throws GroupResolutionError naming the source, command and reason
  /// when the command fails or is not defined.
  std::optional<std::string> map(std::string_view group) const override;
  std::vector<std::string> list() const override;
  std::optional<std::string> all() const override;
  /// An upcall prints what it likes: its names are checked.
  bool dynamic() const override { return true; }

 private:
  struct Cache;
  std::string call(const std::string& which, const std::string& command,
                   const std::string& group) const;
  Upcalls upcalls_;
  std::unique_ptr<Cache> cache_;
};

/// Error in a ClusterShell configuration file, naming the file.
class GroupConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Loads ClusterShell's group configuration the way ClusterShell 1.9 finds
/// it: every groups.conf of /etc/clustershell, ~/.local/etc/clustershell,
/// /usr/etc/clustershell, $XDG_CONFIG_HOME/clustershell (~/.config) and
/// $CLUSTERSHELL_CFGDIR merged in that order, $CFGDIR being the last one's
/// directory; then confdir *.conf, autodir *.yaml and the file's own sources. Adds every source to
/// `resolver`; returns false when no configuration file exists. Throws GroupConfigError.
bool load_clustershell_groups(GroupResolver& resolver);

/// Same from one groups.conf file.
void load_clustershell_groups_file(GroupResolver& resolver,
                                   const std::filesystem::path& groups_conf);

}  // namespace greenlight
