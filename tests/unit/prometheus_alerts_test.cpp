// Firing alerts from Prometheus and Alertmanager answers (real captures), the
// name filters, the verdict, failing closed, and hostile input.
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/prometheus_alerts.h"

#include <catch2/catch.hpp>

#include "greenlight/checks/check.h"
#include "support/read_file.h"

using namespace greenlight;
using namespace greenlight::checks;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/prometheus/" + name);
}

double sample(const CheckResult& r, const std::string& name, const std::string& label = "") {
  for (const auto& s : r.samples) {
    if (s.name != name) continue;
    if (label.empty() || (!s.labels.empty() && s.labels[0].second == label)) return s.value;
  }
  FAIL("no sample " << name << " " << label);
  return -1;
}

}  // namespace

TEST_CASE("Prometheus /api/v1/alerts: firing and pending alerts with their labels") {
  auto alerts = parse_alerts(fixture("prometheus_alerts_firing.json"), AlertApi::prometheus);
  REQUIRE(alerts.ok());
  REQUIRE(alerts->size() == 3);
  CHECK((*alerts)[0].name == "AlwaysFiring");
  CHECK((*alerts)[0].firing());
  CHECK((*alerts)[0].since == "2026-11-25T21:15:43.418480155Z");
  CHECK((*alerts)[1].labels.size() == 3);
  CHECK((*alerts)[2].name == "PendingLong");
  CHECK((*alerts)[2].state == "pending");
  CHECK_FALSE((*alerts)[2].firing());
}

TEST_CASE("prometheus_alerts verdict: severity decides, pending never counts") {
  auto alerts = parse_alerts(fixture("prometheus_alerts_firing.json"), AlertApi::prometheus);
  REQUIRE(alerts.ok());
  auto r = prometheus_alerts_verdict(*alerts, {});
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "2 alerts firing: AlwaysFiring (severity=critical); AlwaysWarning (severity=warning, "
        "volume=volspoms1)");
  CHECK(sample(r, "greenlight_alerts_firing") == 2);
  CHECK(sample(r, "greenlight_alert_firing", "AlwaysWarning") == 1);
  CHECK(sample(r, "greenlight_alerts_query_success") == 1);
  REQUIRE(r.facts.size() == 2);
  CHECK(r.facts[0].kind == "alert");
  CHECK(r.facts[0].subject == "AlwaysFiring");

  AlertExpectation only_warning;
  only_warning.exclude = {"AlwaysFiring"};
  r = prometheus_alerts_verdict(*alerts, only_warning);
  CHECK(r.status == Status::warning);
  CHECK(r.message == "1 alert firing: AlwaysWarning (severity=warning, volume=volspoms1)");

  AlertExpectation all_critical;
  all_critical.include = {"AlwaysW*"};
  all_critical.firing = FiringStatus::critical;
  CHECK(prometheus_alerts_verdict(*alerts, all_critical).status == Status::critical);

  AlertExpectation none;
  none.include = {"Gluster*", "PendingLong"};
  r = prometheus_alerts_verdict(*alerts, none);
  CHECK(r.status == Status::ok);
  CHECK(r.message == "no alert firing (1 pending or silenced), 2 filtered out");
  CHECK(sample(r, "greenlight_alerts_firing") == 0);

  auto pending = parse_alerts(fixture("prometheus_alerts_pending.json"), AlertApi::prometheus);
  REQUIRE(pending.ok());
  CHECK(prometheus_alerts_verdict(*pending, {}).status == Status::ok);
}

TEST_CASE("name filters: include patterns, then excludes win") {
  AlertExpectation e;
  CHECK(alert_selected("Anything", e));
  e.include = {"Gluster*", "NodeDown"};
  e.exclude = {"GlusterHealPending"};
  CHECK(alert_selected("GlusterBrickDown", e));
  CHECK(alert_selected("NodeDown", e));
  CHECK_FALSE(alert_selected("NodeDownSoon", e));
  CHECK_FALSE(alert_selected("GlusterHealPending", e));
}

TEST_CASE("Alertmanager /api/v2/alerts: silenced alerts are suppressed, not firing") {
  auto all = parse_alerts(fixture("alertmanager_alerts_silenced.json"), AlertApi::alertmanager);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].name == "AlwaysWarning");
  CHECK((*all)[0].state == "suppressed");
  CHECK_FALSE((*all)[0].firing());
  CHECK((*all)[1].since == "2026-11-25T21:16:13.418Z");
  auto r = prometheus_alerts_verdict(*all, {});
  CHECK(r.status == Status::critical);
  CHECK(r.message == "1 alert firing: AlwaysFiring (severity=critical)");

  auto active = parse_alerts(fixture("alertmanager_alerts_active.json"), AlertApi::alertmanager);
  REQUIRE(active.ok());
  CHECK(active->size() == 1);
  // A Prometheus answer is not an Alertmanager answer, and the reverse.
  CHECK_FALSE(parse_alerts(fixture("alertmanager_alerts_active.json"), AlertApi::prometheus).ok());
  CHECK_FALSE(parse_alerts(fixture("prometheus_alerts_firing.json"), AlertApi::alertmanager).ok());
}

TEST_CASE("alerts answers that cannot be trusted are parse errors naming why") {
  auto error = parse_alerts(fixture("prometheus_error.json"), AlertApi::prometheus);
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().reason ==
        "Prometheus /api/v1/alerts: status error: invalid parameter \"query\": 1:1: parse error: "
        "no expression found in input");
  const std::string firing = fixture("prometheus_alerts_firing.json");
  for (std::size_t cut = 0; cut < firing.size(); cut += 7) {
    INFO("cut at " << cut);
    CHECK_FALSE(parse_alerts(firing.substr(0, cut), AlertApi::prometheus).ok());
  }
  CHECK(parse_alerts("", AlertApi::prometheus).error().reason ==
        "Prometheus /api/v1/alerts: not JSON (0 bytes, empty answer)");
  CHECK(parse_alerts("<html>502 Bad Gateway</html>", AlertApi::alertmanager).error().reason ==
        "Alertmanager /api/v2/alerts: not JSON (28 bytes)");
  CHECK(parse_alerts(R"({"status":"success","data":{}})", AlertApi::prometheus).error().reason ==
        "Prometheus /api/v1/alerts: no data.alerts");
  CHECK(parse_alerts(R"([{"labels":{"alertname":"A"}}])", AlertApi::alertmanager).error().reason ==
        "Alertmanager /api/v2/alerts: alert 0 has no status.state string");
  CHECK(parse_alerts(R"([{"labels":{"alertname":7},"status":{"state":"active"}}])",
                     AlertApi::alertmanager)
            .error()
            .reason == "Alertmanager /api/v2/alerts: alert 0 label alertname is not a string");
  CHECK(parse_alerts(std::string(100000, '['), AlertApi::alertmanager).error().reason ==
        "Alertmanager /api/v2/alerts: JSON nested deeper than 64 at byte 64");
  std::string garbage;
  for (int i = 0; i < 1 << 16; ++i) garbage += static_cast<char>((i * 7919) & 0xff);
  CHECK_FALSE(parse_alerts(garbage, AlertApi::prometheus).ok());
  // An alert without alertname still counts: it is firing.
  auto nameless = parse_alerts(R"([{"labels":{"job":"x"},"status":{"state":"active"}}])",
                               AlertApi::alertmanager);
  REQUIRE(nameless.ok());
  CHECK(prometheus_alerts_verdict(*nameless, {}).message ==
        "1 alert firing: (alert without alertname) (job=x)");
}

TEST_CASE("cannot ask: fails closed with the configured status") {
  auto r = prometheus_alerts_unavailable(Status::critical, "connection refused");
  CHECK(r.status == Status::critical);
  CHECK(r.message == "cannot ask for alerts: connection refused");
  CHECK(sample(r, "greenlight_alerts_query_success") == 0);
}

namespace {

struct Harness {
  config::Diagnostics diagnostics;
  config::Site site;
  asio::io_context io;
  FakeRunner runner{io};

  explicit Harness(const std::string& checks) {
    const std::string text = "hosts:\n  vm: {self: true}\nchecks:\n" + checks;
    site = checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                             diagnostics);
  }
  void answer(const std::string& contains, const std::string& out, int exit_code = 0,
              const std::string& err = "") {
    RunResult r;
    r.status = exit_code == 0 ? RunStatus::kOk : RunStatus::kExit;
    r.exit_code = exit_code;
    r.out = out;
    r.err = err;
    runner.answer({"", contains, r});
  }
  std::unique_ptr<Check> build() {
    auto groups = site.group_resolver();
    return make_check(site.checks.at(0), site, *groups, diagnostics);
  }
  CheckResult run() {
    auto check = build();
    INFO(diagnostics.format());
    REQUIRE(check != nullptr);
    CheckResult result;
    run_check(*check, runner, Endpoint{"vm", "", 22, "", true}, std::chrono::seconds(5),
              [&](CheckResult r) { result = std::move(r); });
    io.run();
    io.restart();
    return result;
  }
};

}  // namespace

TEST_CASE("prometheus_alerts check: curl argv, verdict, fail closed") {
  Harness h(
      "  alerts: {kind: prometheus_alerts, url: 'http://127.0.0.1:9090/', exclude: [Watchdog], "
      "timeout: 10s}\n");
  h.answer("/api/v1/status/runtimeinfo", fixture("runtimeinfo.json"));
  h.answer("/api/v1/rules", fixture("rules_running.json"));
  h.answer("/api/v1/alerts", fixture("prometheus_alerts_firing.json"));
  auto r = h.run();
  REQUIRE(h.runner.recorded().size() == 3);
  CHECK(h.runner.recorded()[0] ==
        "vm: curl --silent --show-error --fail --max-time 9.0 --header 'Accept: "
        "application/json' http://127.0.0.1:9090/api/v1/status/runtimeinfo");
  CHECK(h.runner.recorded()[1].find(" http://127.0.0.1:9090/api/v1/rules") != std::string::npos);
  CHECK(h.runner.recorded()[2].find(" http://127.0.0.1:9090/api/v1/alerts") != std::string::npos);
  CHECK(r.status == Status::critical);

  // A Prometheus that just started, with no alert (yet): unknown, not green.
  Harness young("  alerts: {kind: prometheus_alerts, url: 'http://127.0.0.1:9090'}\n");
  young.answer("/api/v1/status/runtimeinfo", fixture("runtimeinfo.json"));
  young.answer("/api/v1/rules", fixture("rules_starting.json"));
  young.answer("/api/v1/alerts", R"({"status":"success","data":{"alerts":[]}})");
  r = young.run();
  CHECK(r.status == Status::unknown);
  CHECK(r.message ==
        "Prometheus cannot tell yet: rule group lab not evaluated since Prometheus started (no "
        "alert firing)");

  Harness refused(
      "  alerts: {kind: prometheus_alerts, url: 'http://127.0.0.1:9', unavailable: critical}\n");
  refused.answer("curl", "", 7,
                 "curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: "
                 "Couldn't connect to server\n");
  r = refused.run();
  CHECK(r.status == Status::critical);
  CHECK(r.message ==
        "cannot ask for alerts: http://127.0.0.1:9/api/v1/status/runtimeinfo: exit 7: curl: (7) "
        "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server");

  Harness garbled(
      "  alerts: {kind: prometheus_alerts, url: 'http://am:9093', api: alertmanager}\n");
  garbled.answer("curl", "<html>");
  r = garbled.run();
  CHECK(r.status == Status::unknown);
  CHECK(r.message == "cannot ask for alerts: Alertmanager /api/v2/alerts: not JSON (6 bytes)");
  CHECK(garbled.runner.recorded()[0].find(
            "'http://am:9093/api/v2/alerts?active=true&silenced=false&inhibited=false'") !=
        std::string::npos);
}

TEST_CASE("prometheus_alerts check: configuration errors name the place") {
  Harness h("  alerts: {kind: prometheus_alerts, url: '127.0.0.1:9090', firing: loud}\n");
  CHECK(h.build() == nullptr);
  const std::string errors = h.diagnostics.format();
  CHECK(errors.find("site.yaml:4:") != std::string::npos);
  CHECK(errors.find("url must start with http:// or https://") != std::string::npos);
  CHECK(errors.find("firing") != std::string::npos);
  Harness missing("  alerts: {kind: prometheus_alerts}\n");
  CHECK(missing.build() == nullptr);
  CHECK(missing.diagnostics.format().find("url") != std::string::npos);
}
