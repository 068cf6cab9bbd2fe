// A group source served from the facts of one check result: the `vm` source
// of the procedure (@vm:running, @vm:dead, ...) from the fleet check's "vm"
// facts, or any other kind whose value names a group.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/core/group_source.h"

namespace greenlight::checks {

/// Immutable once built, so safe to call from any thread. To follow new
/// results, build a new one and replace the source in the GroupResolver
/// (add_source replaces a source of the same name).
class FactGroupSource final : public GroupSource {
 public:
  /// Groups are the values of `kind` facts of `result`; a group's nodes are
  /// the subjects with that value. For kind "vm" the fleet states
  /// (fleet_vm_groups(): running, dead, failed, ...) are groups even when
  /// no VM is in them: `@vm:running` with no VM running is an empty set,
  /// a legitimate state, never an unknown group.
  /// Subjects and values come from a command's output (fleetctl's unit
  /// names): one that is not a plain name (node_name.h) would change
  /// meaning once folded ("vm1,top1", "x;reboot"), so the source then
  /// refuses every lookup with UnsafeNameError naming it (and `check_name`,
  /// the check that produced `result`, when given).
  FactGroupSource(const CheckResult& result, std::string_view kind,
                  std::string_view check_name = {});

  /// The folded node set of `group` ("admin[1-2],batch1"), "" for a known
  /// group no subject is in, or nullopt for a group name the kind does not
  /// have (a typo stays an error).
  std::optional<std::string> map(std::string_view group) const override;
  /// Names of the groups that hold a node, sorted.
  std::vector<std::string> list() const override;
  /// Every subject of the kind, folded (the '@vm:*' of the procedure).
  std::optional<std::string> all() const override;
  bool dynamic() const override { return true; }

 private:
  void refuse_if_unsafe() const;
  std::string refusal_;  // not empty: the first name that is not plain, and why
  std::map<std::string, std::string, std::less<>> groups_;  // group -> folded node set
  std::string all_;
  std::set<std::string, std::less<>> known_;  // groups that exist even when empty
};

}  // namespace greenlight::checks
