// Reading steps and gate remedies from a runbook's YAML (the loader's part
// that knows each step kind's keys). Errors go to the diagnostics with
// file:line:col; nothing here throws.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::runbook::detail {

/// What reading needs: the site, where errors go, and the groups node sets
/// are validated against (the site's, plus placeholders for @run: and
/// @remedy: groups, known only while a run goes on).
struct LoaderContext {
  const config::Site& site;
  config::Diagnostics& diagnostics;
  std::shared_ptr<GroupResolver> groups;
};

/// The node sets of one of CommandTemplate::node_expressions(): "SET", or
/// "SET -x EXCLUDE" as {SET, EXCLUDE}.
std::vector<std::string> node_expression_sets(const std::string& expression);

/// Adds the placeholder sources `run` (any group) and `remedy` (vms, hosts)
/// to `groups`, so that node sets naming them validate.
void add_placeholder_sources(GroupResolver& groups);

/// One step (`- run: {...}`, `- confirm: ...`). `what` names it in messages
/// ("phase 'stop-vms' step 2"). A step outside a remedy may not read
/// @remedy: groups. Nothing when it is invalid (the error is reported).
std::optional<Step> read_step(LoaderContext& ctx, const config::Value& value, std::string_view what,
                              bool in_remedy = false);

/// A gate's `remedy:` mapping (after, attempts, states, steps: `run` steps
/// only). `what` names the gate. Nothing when it is invalid.
std::optional<Remedy> read_remedy(LoaderContext& ctx, const config::Value& value,
                                  std::string_view what);

}  // namespace greenlight::runbook::detail
