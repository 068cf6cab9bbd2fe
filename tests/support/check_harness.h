// Runs one check of a site read from text, for the checks' unit tests.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>

#include "greenlight/checks/check.h"

namespace greenlight::testing {

/// Builds check `name` of `site` (errors into `diagnostics`; REQUIRE it
/// builds) and runs it once through `runner` (a FakeRunner or the
/// LocalRunner) towards `endpoint`, within `deadline`, on `io`'s thread.
template <typename Runner>
checks::CheckResult run_site_check(const config::Site& site, config::Diagnostics& diagnostics,
                                   Runner& runner, asio::io_context& io, const std::string& name,
                                   const Endpoint& endpoint, std::chrono::milliseconds deadline) {
  auto groups = site.group_resolver();
  const auto& spec = *std::find_if(site.checks.begin(), site.checks.end(),
                                   [&](auto& c) { return c.name == name; });
  auto check = checks::make_check(spec, site, *groups, diagnostics);
  INFO(diagnostics.format());
  REQUIRE(check != nullptr);
  checks::CheckResult result;
  checks::run_check(*check, runner, endpoint, deadline,
                    [&](checks::CheckResult r) { result = std::move(r); });
  io.run();
  io.restart();
  return result;
}

}  // namespace greenlight::testing
