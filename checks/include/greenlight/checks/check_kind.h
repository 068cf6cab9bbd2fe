// The registry of check kinds: the one place a kind is named. A kind is its
// name (a site's `kind:`), its builder (checks/src/*.cpp), whether its
// commands keep greenlight's secrets, and the dynamic group source its
// results feed. The site reader validates `kind:` against it
// (config::CheckKindCatalogue, through load_site below), make_check builds
// from it, and the programs wire dynamic sources (`@vm:running`) from it.
// Adding a kind: its Check in checks/src/, one entry in check_kind.cpp, its
// reference in docs/checks.md.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check.h"
#include "greenlight/core/config.h"
#include "greenlight/core/config_value.h"

namespace greenlight::checks {

/// One check kind. Immutable once registered; read from any thread.
struct CheckKind {
  /// Builds a check of this kind from `spec`, reading its own parameters
  /// through `reader` (errors go to the reader's diagnostics, file:line:col);
  /// make_check finishes the reader and decides from the diagnostics.
  using Builder = std::unique_ptr<Check> (*)(const config::CheckSpec& spec,
                                             const config::Site& site, config::MapReader& reader,
                                             const GroupResolver& groups);
  std::string_view name;  ///< as a site's `kind:` names it
  Builder build = nullptr;
  /// Its commands keep config::secret_environment() (power: the site's power
  /// command runs ipmitool -E); every other kind's lose them unless the
  /// check's `pass_environment` names them.
  bool keeps_secrets = false;
  /// The fact of its results that feeds a dynamic group source ("vm": the
  /// fleet check's VMs by state), empty when it feeds none. The source is
  /// named by the check's `group_source` parameter, the fact's name when
  /// absent.
  std::string_view feeds;
};

/// Every kind, in the order the configuration reference lists them.
const std::vector<CheckKind>& check_kinds();

/// The kind named `name`, or null.
const CheckKind* find_check_kind(std::string_view name);

/// A dynamic group source fed by a check's results.
struct GroupFeed {
  std::string source;  ///< the source's name (@SOURCE:GROUP)
  std::string fact;    ///< the results' fact it reads ("vm")
};

/// The source `spec` feeds ({"vm", "vm"} for a fleet_units check without
/// `group_source`), or nullopt when its kind feeds none (or is unknown).
std::optional<GroupFeed> group_feed(const config::CheckSpec& spec);

/// The registry as the site reader asks it (names and group_feed's source).
const config::CheckKindCatalogue& kind_catalogue();

/// config::load_site and config::read_site with kind_catalogue(): how every
/// program and test reads a site. Same contract (errors in `diagnostics`,
/// never throws for configuration errors).
config::Site load_site(const std::filesystem::path& path, config::Diagnostics& diagnostics);
config::Site read_site(const config::Value& root, const std::filesystem::path& file,
                       config::Diagnostics& diagnostics);

}  // namespace greenlight::checks
