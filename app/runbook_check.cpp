// greenlight runbook check NAME: runs, once and without any step, the checks
// behind every gate of the runbook and says which gates would block now
// (runbook/readiness.h; greenlight serve judges the same on its scheduler);
// -o json prints greenlight/runbook-check/v1 (runbook_json.h).
#include <iostream>
#include <map>

#include "greenlight/checks/check.h"
#include "greenlight/core/site_runner.h"
#include "greenlight/runbook/readiness.h"
#include "runbook_commands.h"
#include "runbook_json.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::app {

int runbook_check(const config::Site& site, const runbook::Runbook& book,
                  const RunbookArguments& arguments) {
  asio::io_context io;
  SiteRunner runner(io, ssh_options(site.ssh));
  auto groups = runbook::runbook_groups(site, nullptr);
  runbook::ReadinessReport report = runbook::plan_readiness(site, *groups, book);
  std::map<std::string, checks::CheckResult> results;
  for (auto& [source, probe] : report.probes) {
    checks::run_check(*probe.check, runner, site_endpoint(&site, probe.spec->host),
                      probe.spec->timeout, [&results, source = source](checks::CheckResult result) {
                        results[source] = std::move(result);
                      });
  }
  io.run();  // each check bounded by its own timeout
  runbook::judge_readiness(
      report,
      [&results](const std::string& source) -> const checks::CheckResult* {
        auto found = results.find(source);
        return found != results.end() ? &found->second : nullptr;
      },
      "the check did not finish");
  if (arguments.output == OutputFormat::kJson) {
    print_json_document("runbook-check", check_json(report));
  } else {
    std::cout << runbook::render_readiness(book, report.gates);
  }
  return report.blocks() ? 1 : 0;
}

}  // namespace greenlight::app
