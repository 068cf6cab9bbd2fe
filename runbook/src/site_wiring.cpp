#include "greenlight/runbook/site_wiring.h"

#include <cstdlib>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_group_source.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/store_group_source.h"
#include "greenlight/core/site_runner.h"

namespace greenlight::runbook {

Endpoint endpoint_of(const config::Site& site, const std::string& node) {
  Endpoint endpoint = site_endpoint(&site, node);
  endpoint.node = node;
  return endpoint;
}

namespace {

// Calls add(source name, check spec, fact kind) for each check feeding a group source.
template <typename Add>
void for_each_feed(const config::Site& site, Add&& add) {
  for (const auto& spec : site.checks) {
    if (const auto feed = checks::group_feed(spec)) add(feed->source, spec, feed->fact);
  }
}

}  // namespace

void refresh_dynamic_groups(const config::Site& site, GroupResolver& groups,
                            const std::shared_ptr<const checks::ResultStore>& store) {
  for_each_feed(site, [&](const std::string& source, const config::CheckSpec& spec,
                          const std::string& fact) {
    config::Diagnostics diagnostics;
    std::shared_ptr<checks::Check> check = checks::make_check(spec, site, groups, diagnostics);
    if (!check) return;
    auto reading = std::make_shared<checks::CheckGroupSource>(
        check, fact, spec.timeout, site_endpoint(&site, spec.host), ssh_options(site.ssh));
    if (store) {
      groups.add_source(source, std::make_shared<checks::StoreGroupSource>(store, spec.name, fact,
                                                                           std::move(reading)));
    } else {
      groups.add_source(source, std::move(reading));
    }
  });
}

void add_stored_groups(const config::Site& site, GroupResolver& groups,
                       const std::shared_ptr<const checks::ResultStore>& store) {
  for_each_feed(site, [&](const std::string& source, const config::CheckSpec& spec,
                          const std::string& fact) {
    groups.add_source(source,
                      std::make_shared<checks::StoreGroupSource>(store, spec.name, fact, nullptr));
  });
}

std::shared_ptr<GroupResolver> runbook_groups(const config::Site& site,
                                              std::shared_ptr<const checks::ResultStore> store) {
  auto resolver = site.group_resolver();
  refresh_dynamic_groups(site, *resolver, store);
  resolver->set_default("site");
  return resolver;
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
