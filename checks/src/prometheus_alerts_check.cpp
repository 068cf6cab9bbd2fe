// kind prometheus_alerts: one GET of the alerts API through curl (or the
// configured program), then parse_alerts and the verdict. Anything that keeps
// the answer from being read fails closed with the configured status.
#include <fmt/format.h>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/prometheus_alerts.h"
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
    // curl gives up a little before the check's own deadline, so that its
    // message ("Operation timed out") says what happened.
    max_seconds_ = std::chrono::duration<double>(spec.timeout).count() * 0.9;
  }

  std::string endpoint() const {
    return api_ == AlertApi::prometheus
               ? url_ + "/api/v1/alerts"
               : url_ + "/api/v2/alerts?active=true&silenced=false&inhibited=false";
  }

  std::vector<Command> commands() const override {
    return {with_program(curl_get_argv(endpoint(), max_seconds_), program_)};
  }

  CheckResult judge(const std::vector<RunResult>& results) const override {
    const RunResult& run = results.at(0);
    if (run.status != RunStatus::kOk && run.status != RunStatus::kExit) {
      return prometheus_alerts_unavailable(
          unavailable_, fmt::format("{}: {} ({})", endpoint(), run.reason, to_string(run.status)));
    }
    if (run.exit_code != 0) {
      const std::string why = !run.err.empty() ? first_line(run.err) : first_line(run.out);
      return prometheus_alerts_unavailable(
          unavailable_, fmt::format("{}: exit {}: {}", endpoint(), run.exit_code, why));
    }
    if (run.truncated) {
      return prometheus_alerts_unavailable(unavailable_,
                                           fmt::format("{}: answer too large", endpoint()));
    }
    auto alerts = parse_alerts(run.out, api_);
    if (!alerts) return prometheus_alerts_unavailable(unavailable_, alerts.error().reason);
    return prometheus_alerts_verdict(*alerts, expect_);
  }

 private:
  std::vector<std::string> program_;
  std::string url_;
  AlertApi api_ = AlertApi::prometheus;
  AlertExpectation expect_;
  Status unavailable_ = Status::unknown;
  double max_seconds_ = 10;
};

}  // namespace

std::unique_ptr<Check> make_prometheus_alerts_check(const config::CheckSpec& spec,
                                                    config::MapReader& reader) {
  return std::make_unique<PrometheusAlertsCheck>(spec, reader);
}

}  // namespace greenlight::checks::detail
