// libFuzzer target: the checks' readers that fuzz/parsers_fuzz.cpp leaves
// out: Prometheus's status and rules API (JSON) and the readiness rule over
// them, the confiture address files (YAML), DNS server addresses, Nagios
// perfdata, and the heal progress kept across runs. Every reader must turn
// any input into a value or a ParseError, and the verdicts must take any
// value read. Property: a DNS server read back from its text() is the same.
#include <stdlib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/dns_servers.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/checks/gluster_verdict.h"
#include "greenlight/checks/heal_progress.h"
#include "greenlight/checks/nagios.h"
#include "greenlight/checks/prometheus_rules.h"

using namespace greenlight::checks;
using greenlight::fuzz::fail;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("GREENLIGHT_MAX_NODES", "100000", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto start = parse_runtimeinfo_start(text);
  if (const auto rules = parse_alerting_rules(text); rules.ok()) {
    (void)rules_not_ready(*rules, start.ok() ? *start : PromTime{}, {},
                          std::chrono::minutes(1));
    (void)rules_not_ready(*rules, PromTime{} + std::chrono::hours(500000), {{"Gl*"}, {"*Down"}},
                          std::chrono::milliseconds(0));
  }
  (void)parse_prometheus_time(text);

  if (const auto server = parse_dns_server(text); server.ok()) {
    const auto again = parse_dns_server(server->text());
    if (!again.ok() || again->address != server->address || again->port != server->port)
      fail("a DNS server does not read back from its text()", server->text());
  }

  if (const auto records = parse_confiture_addresses(text); records.ok()) {
    (void)critical_records(*records);
  }

  std::vector<std::string> errors;
  (void)parse_perfdata(text, &errors);

  // Heal info read twice a minute apart: the trend of any brick is finite.
  if (const auto heal = parse_gluster_heal_info(text, 0, HealListing::entries); heal.ok()) {
    HealProgress progress;
    const auto now = std::chrono::system_clock::time_point{} + std::chrono::hours(480000);
    progress.observe(now, {VolumeHeal{"v", heal}});
    progress.observe(now + std::chrono::minutes(1), {VolumeHeal{"v", heal}});
    (void)gluster_heal_verdict({VolumeHeal{"v", heal}});
  }
  return 0;
}
