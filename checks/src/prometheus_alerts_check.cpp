// kind prometheus_alerts: one GET of the alerts API through curl (or the
// configured program), then parse_alerts and the verdict. Anything that keeps
// the answer from being read fails closed with the configured status.
#include <fmt/format.h>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/prometheus_alerts.h"
#include "greenlight/checks/prometheus_rules.h"
#include "kinds.h"

namespace greenlight::checks::detail {
namespace {

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return text.substr(0, end);
}

class PrometheusAlertsCheck : public Check {
 public:
  PrometheusAlertsCheck(const config::CheckSpec& spec, config::MapReader& reader)
      : Check(spec.name, spec.host), program_(spec.command) {
    url_ = reader.string("url", true).value_or("");
    if (const config::Value* where = reader.value().find("url");
        where != nullptr && !url_.empty() && url_.rfind("http://", 0) != 0 &&
        url_.rfind("https://", 0) != 0) {
      reader.diagnostics().error(where->mark,
                                 fmt::format("check '{}': url must start with http:// or "
                                             "https:// (got '{}')",
                                             spec.name, url_));
    }
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    if (reader.choice("api", {"prometheus", "alertmanager"}).value_or("prometheus") ==
        "alertmanager") {
      api_ = AlertApi::alertmanager;
    }
    expect_.include = reader.strings("include").value_or(std::vector<std::string>{});
    expect_.exclude = reader.strings("exclude").value_or(std::vector<std::string>{});
    const auto firing =
        reader.choice("firing", {"critical", "warning", "by_severity"}).value_or("by_severity");
    expect_.firing = firing == "critical"  ? FiringStatus::critical
                     : firing == "warning" ? FiringStatus::warning
                                           : FiringStatus::by_severity;
    if (reader.choice("unavailable", {"unknown", "critical"}).value_or("unknown") == "critical") {
      unavailable_ = Status::critical;
    }
    min_uptime_ = reader.duration("min_uptime").value_or(min_uptime_);
    if (const config::Value* where = reader.value().find("min_uptime");
        where != nullptr && api_ != AlertApi::prometheus) {
      reader.diagnostics().error(where->mark,
                                 "min_uptime: only with api: prometheus (an "
                                 "Alertmanager has no rules to evaluate)");
    }
    // curl gives up a little before the check's own deadline, so that its
    // message ("Operation timed out") says what happened.
    max_seconds_ = std::chrono::duration<double>(spec.timeout).count() * 0.9;
  }

  std::string endpoint() const {
    return api_ == AlertApi::prometheus
               ? url_ + "/api/v1/alerts"
               : url_ + "/api/v2/alerts?active=true&silenced=false&inhibited=false";
  }

  // A Prometheus is first asked when it started and how far its rules got.
  std::vector<std::string> urls() const {
    if (api_ != AlertApi::prometheus) return {endpoint()};
    return {url_ + "/api/v1/status/runtimeinfo", url_ + "/api/v1/rules", endpoint()};
  }

  std::vector<Command> commands() const override {
    std::vector<Command> out;
    for (const auto& url : urls())
      out.push_back(with_program(curl_get_argv(url, max_seconds_), program_));
    return out;
  }

  CheckResult judge(const std::vector<RunResult>& results) const override {
    const auto urls = this->urls();
    for (std::size_t i = 0; i < urls.size(); ++i) {
      if (auto why = unreadable(results.at(i), urls[i]))
        return prometheus_alerts_unavailable(unavailable_, *why);
    }
    auto alerts = parse_alerts(results.back().out, api_);
    if (!alerts) return prometheus_alerts_unavailable(unavailable_, alerts.error().reason);
    CheckResult verdict = prometheus_alerts_verdict(*alerts, expect_);
    if (api_ != AlertApi::prometheus) return verdict;
    auto start = parse_runtimeinfo_start(results[0].out);
    if (!start) return prometheus_alerts_unavailable(unavailable_, start.error().reason);
    auto rules = parse_alerting_rules(results[1].out);
    if (!rules) return prometheus_alerts_unavailable(unavailable_, rules.error().reason);
    // A firing alert is evidence enough; otherwise no alert proves nothing
    // until the rules have had the time to fire.
    if (auto why = rules_not_ready(*rules, *start, expect_, min_uptime_)) {
      verdict.message = fmt::format("Prometheus cannot tell yet: {} ({})", *why, verdict.message);
      verdict.status = worst(verdict.status, Status::unknown);
    }
    return verdict;
  }

 private:
  std::vector<std::string> program_;
  std::string url_;
  AlertApi api_ = AlertApi::prometheus;
  AlertExpectation expect_;
  Status unavailable_ = Status::unknown;
  double max_seconds_ = 10;
  std::chrono::milliseconds min_uptime_{0};

  // Why an answer cannot be read, or nullopt.
  static std::optional<std::string> unreadable(const RunResult& run, const std::string& url) {
    if (run.status != RunStatus::kOk && run.status != RunStatus::kExit)
      return fmt::format("{}: {} ({})", url, run.reason, to_string(run.status));
    if (run.exit_code != 0) {
      const std::string why = !run.err.empty() ? first_line(run.err) : first_line(run.out);
      return fmt::format("{}: exit {}: {}", url, run.exit_code, why);
    }
    if (run.truncated) return fmt::format("{}: answer too large", url);
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Check> make_prometheus_alerts_check(const config::CheckSpec& spec,
                                                    config::MapReader& reader) {
  return std::make_unique<PrometheusAlertsCheck>(spec, reader);
}

}  // namespace greenlight::checks::detail
