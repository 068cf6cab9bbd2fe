#include "greenlight/control/serve_generation.h"

#include <fmt/format.h>

#include <sstream>

#include "greenlight/checks/check_kind.h"
#include "greenlight/control/published_readiness.h"
#include "greenlight/core/log.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/site_wiring.h"

namespace greenlight::control {

void log_errors(const config::Diagnostics& diagnostics) {
  // "FILE:L:C: message": the log line's level already says error.
  std::istringstream lines(diagnostics.format());
  for (std::string line; std::getline(lines, line);) {
    if (const auto at = line.find(": error: "); at != std::string::npos) line.erase(at, 7);
    log::error("{}", line);
  }
}

std::unique_ptr<Generation> load_generation(const std::string& path,
                                            config::Diagnostics& diagnostics) {
  auto next = std::make_unique<Generation>();
  next->site = checks::load_site(path, diagnostics);
  // Every check is built even when the site has errors elsewhere, so that
  // all of them are reported at once (make_check never throws).
  next->groups = next->site.group_resolver();
  for (const auto& spec : next->site.checks) {
    next->checks.push_back(checks::make_check(spec, next->site, *next->groups, diagnostics));
  }
  if (!diagnostics.ok()) return nullptr;
  config::Diagnostics runbook_diagnostics;
  next->books = runbook::load_runbooks(next->site, runbook_diagnostics);
  if (!runbook_diagnostics.ok()) {
    log_errors(runbook_diagnostics);
    next->runbook_errors = fmt::format(
        "the site's runbooks have {} error(s) (see greenlight config check): greenlight serve "
        "takes no run until they are fixed and it is reloaded",
        runbook_diagnostics.errors().size());
  }
  return next;
}

void Service::run(std::unique_ptr<Generation> next) {
  if (current_) {
    current_->scheduler->stop();
    retired_.push_back(std::move(current_));
  }
  const unsigned generation = ++generation_;
  Generation* current = next.get();
  // Dynamic groups (@vm:running) read the results the scheduler stores.
  next->run_groups = runbook::runbook_groups(next->site, results_);
  next->readiness_groups = next->site.group_resolver();
  runbook::add_stored_groups(next->site, *next->readiness_groups, results_);
  next->readiness_groups->set_default("site");
  next->scheduler = std::make_unique<checks::Scheduler>(
      io_,
      [this, generation](const std::string& name, const checks::CheckResult& result) {
        // Checks cut because serve stops say nothing of the cluster: not
        // logged as a change (nor stored: the scheduler is stopped).
        if (generation == generation_ && !stopping_) verdicts_.follow(name, result);
        if (generation == generation_) judge_readiness_soon();
      },
      results_);
  const config::Site& site = next->site;
  next->runner = std::make_unique<SiteRunner>(io_, ssh_options(site.ssh));
  next->results = std::make_unique<runbook::SchedulerResults>(
      *next->scheduler, site, *next->run_groups, [current](const std::string& host) {
        return std::make_pair(site_endpoint(&current->site, host),
                              static_cast<CommandRunner*>(current->runner.get()));
      });
  // The site's checks, in its order: those of the previous configuration
  // with the same name and kind keep their results, the others go (a
  // gate's own variant comes back when a run waits on its gate).
  std::vector<checks::CheckDeclaration> declared;
  for (const auto& spec : site.checks)
    declared.push_back({spec.name, spec.kind, site_endpoint(&site, spec.host).node});
  results_->redeclare(declared);
  for (std::size_t i = 0; i < next->checks.size(); ++i) {
    const auto& spec = site.checks[i];
    Endpoint endpoint = site_endpoint(&site, spec.host);
    checks::Scheduler::Entry entry;
    entry.check = std::move(next->checks[i]);
    entry.kind = spec.kind;
    entry.endpoint = std::move(endpoint);
    entry.runner = next->runner.get();
    entry.interval = spec.interval;
    entry.timeout = spec.timeout;
    entry.jitter = spec.jitter;
    next->scheduler->add(std::move(entry));
  }
  next->scheduler->start();
  current_ = std::move(next);
  judge_readiness_soon();
}

control::RunPlace Service::place() const {
  Generation& g = *current_;
  control::RunPlace place;
  place.site = &g.site;
  place.books = &g.books;
  place.groups = g.run_groups.get();
  place.runner = g.runner.get();
  place.results = g.results.get();
  place.refresh_groups = [site = &g.site, groups = g.run_groups.get(), store = results_] {
    runbook::refresh_dynamic_groups(*site, *groups, store);
  };
  place.endpoint_for = [site = &g.site](const std::string& node) {
    return runbook::endpoint_of(*site, node);
  };
  place.runs = runbook::runs_directory(g.site, "");
  place.refusal = g.runbook_errors;
  return place;
}

void Service::stop() {
  stopping_ = true;
  if (current_) current_->scheduler->stop();
  readiness_timer_.cancel();
}

std::shared_ptr<const exporter::Readiness> Service::collect_readiness() const {
  std::lock_guard lock(readiness_mutex_);
  return readiness_;
}

void Service::judge_readiness_soon() {
  if (readiness_pending_) return;
  readiness_pending_ = true;
  readiness_timer_.expires_after(std::chrono::seconds(1));
  readiness_timer_.async_wait([this](const boost::system::error_code& ec) {
    readiness_pending_ = false;
    if (ec || !current_) return;
    const Generation& g = *current_;
    try {
      auto judged = std::make_shared<exporter::Readiness>();
      judged->runbooks =
          control::judge_runbooks(g.site, *g.readiness_groups, g.books, *g.scheduler);
      judged->judged = std::chrono::system_clock::now();
      std::lock_guard lock(readiness_mutex_);
      readiness_ = std::move(judged);
    } catch (const std::exception& error) {
      // The checks and runs go on; the page keeps the last judgement.
      log::error("cannot judge the runbooks' readiness: {}", error.what());
    }
  });
}

}  // namespace greenlight::control
