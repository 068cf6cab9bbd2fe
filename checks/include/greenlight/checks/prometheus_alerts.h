// Firing alerts, as a Prometheus (GET /api/v1/alerts) or an Alertmanager
// (GET /api/v2/alerts) answers: the procedure's "any monitoring alert ...
// should be investigated" before going on. The answer is fetched by a
// command (curl by default, see commands.h) and parsed here; a check that
// cannot ask fails closed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// Which API answered.
enum class AlertApi { prometheus, alertmanager };

/// One alert of the answer. `state` is as the API says it: Prometheus
/// `firing` or `pending`; Alertmanager `active`, `suppressed` or
/// `unprocessed`. `labels` are sorted by name.
struct Alert {
  std::string name;  ///< the `alertname` label ("" when absent)
  std::vector<std::pair<std::string, std::string>> labels;
  std::string state;
  std::string since;  ///< Prometheus activeAt, Alertmanager startsAt
  bool firing() const;
};

/// Parses the JSON answer of `api`. A Prometheus answer must be
/// `{"status":"success","data":{"alerts":[...]}}` (an error status is a
/// ParseError carrying `error`); an Alertmanager answer a JSON array.
/// Malformed JSON, missing fields and wrong types are ParseErrors naming the
/// place; never throws.
Parsed<std::vector<Alert>> parse_alerts(std::string_view json, AlertApi api);

/// How firing alerts count.
enum class FiringStatus {
  critical,     ///< every firing alert is critical
  warning,      ///< every firing alert is a warning
  by_severity,  ///< the alert's `severity` label: warning and info give a
                ///< warning, anything else (critical, page, none) critical
};

struct AlertExpectation {
  /// Shell-style patterns (fnmatch: `Gluster*`) on the alert name. Empty
  /// include: every alert counts. An alert matching an exclude pattern
  /// never counts.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  FiringStatus firing = FiringStatus::by_severity;
};

/// True when `name` is counted under `expect`'s filters.
bool alert_selected(std::string_view name, const AlertExpectation& expect);

/// Green when no selected alert fires. Pending (Prometheus) and suppressed
/// (Alertmanager: silenced or inhibited) alerts do not count; they are
/// mentioned in the ok message. Message: `2 alerts firing: GlusterBrickDown
/// (volume=v1, brick=top2:/b), NodeDown (instance=top3)`. Samples:
/// greenlight_alerts_firing (selected firing alerts, 0 when none),
/// greenlight_alert_firing{alertname} (per firing name),
/// greenlight_alerts_query_success 1. Facts: kind "alert", subject the
/// alert name, value "firing".
CheckResult prometheus_alerts_verdict(const std::vector<Alert>& alerts,
                                      const AlertExpectation& expect);

/// The verdict when the API could not be asked or answered nonsense:
/// `status` (unknown or critical, as configured: fail closed) with `reason`,
/// and greenlight_alerts_query_success 0.
CheckResult prometheus_alerts_unavailable(Status status, std::string reason);

}  // namespace greenlight::checks
