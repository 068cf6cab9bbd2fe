#include "greenlight/runbook/site_wiring.h"

#include <cstdlib>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_group_source.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/fact_group_source.h"
#include "greenlight/core/site_runner.h"

namespace greenlight::runbook {

Endpoint endpoint_of(const config::Site& site, const std::string& node) {
  Endpoint endpoint = site_endpoint(&site, node);
  endpoint.node = node;
  return endpoint;
}

void refresh_dynamic_groups(const config::Site& site, GroupResolver& groups) {
  for (const auto& spec : site.checks) {
    const auto feed = checks::group_feed(spec);
    if (!feed) continue;
    config::Diagnostics diagnostics;
    std::shared_ptr<checks::Check> check = checks::make_check(spec, site, groups, diagnostics);
    if (check) {
      groups.add_source(feed->source, std::make_shared<checks::CheckGroupSource>(
                                          check, feed->fact, spec.timeout,
                                          site_endpoint(&site, spec.host),
                                          ssh_options(site.ssh)));
    }
  }
}

std::shared_ptr<GroupResolver> runbook_groups(const config::Site& site) {
  auto resolver = site.group_resolver();
  refresh_dynamic_groups(site, *resolver);
  resolver->set_default("site");
  return resolver;
}

void follow_result(const config::Site& site, GroupResolver& groups, const std::string& check,
                   const checks::CheckResult& result) {
  for (const auto& spec : site.checks) {
    if (spec.name != check) continue;
    const auto feed = checks::group_feed(spec);
    if (!feed) return;
    if (result.facts_of(feed->fact).empty()) return;  // no answer: keep what was known
    groups.add_source(feed->source,
                      std::make_shared<checks::FactGroupSource>(result, feed->fact, spec.name));
  }
}

std::filesystem::path runs_directory(const config::Site& site, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("GREENLIGHT_RUNS_DIR"); env != nullptr && *env != '\0')
    return env;
  return site.runs_directory;
}

std::filesystem::path control_socket(const config::Site& site) {
  if (const char* env = std::getenv("GREENLIGHT_CONTROL_SOCKET"); env != nullptr && *env != '\0')
    return env;
  return site.control_socket;
}

}  // namespace greenlight::runbook
