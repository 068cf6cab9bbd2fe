// Name resolution timing: how long resolving each peer name takes on a host,
// through the system's NSS path and through each of its sources (files,
// dns), measured on that host by name_resolution_script (commands.h) so that
// no SSH latency counts. The procedure: "Anything that slows down
// communications must be investigated. For instance, any DNS timeout and/or
// failures must be avoided" (`time fping $(nodeset -e @top,@worker)` is slow
// when resolution is slow, not only when the network is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// One timed lookup of one name on one host. `source` is "nss" (the whole
/// `hosts:` line of nsswitch.conf: getaddrinfo, as fping, ssh and glusterd
/// resolve), "files" or "dns" (that source alone). `exit_status` is
/// getent's (0 found, 2 not found) or timeout's (124, 137: the lookup was
/// cut at the lookup timeout); `address` the first one getent printed.
struct NameLookup {
  std::string name;
  std::string source;
  double ms = 0;
  int exit_status = -1;
  std::string address;
};

/// What the timing script printed on one host.
struct NameResolutionReport {
  /// The `hosts:` line of the host's nsswitch.conf, blanks collapsed
  /// ("hosts: files dns"); empty when the host has none.
  std::string hosts_line;
  std::vector<NameLookup> lookups;  ///< in output order
};

/// Parser of name_resolution_script's output: "nsswitch hosts: ..." and
/// "resolve NAME SOURCE MICROSECONDS STATUS [ADDRESS]" lines. Any other
/// line, an unknown source or a field that is not a number is a ParseError
/// naming the line.
Parsed<NameResolutionReport> parse_name_resolution(std::string_view output);

/// What one host answered; `error` when it could not be asked (unreachable,
/// timeout, unreadable output).
struct HostNameResolution {
  std::string host;
  NameResolutionReport report;
  std::string error;
};

/// Thresholds on the time of the whole NSS path, in milliseconds.
struct NameResolutionLimits {
  double warning_ms = 500;
  double critical_ms = 1000;
  /// Where the script cuts one lookup (timeout's exit status 124).
  double lookup_timeout_ms = 5000;
};

/// Verdict over every name on every host. Per host and name, the "nss"
/// lookup decides: resolved under warning_ms is ok; at warning_ms or more
/// warning, at critical_ms or more critical; not resolved (getent exit 2)
/// or cut at the lookup timeout critical. Slow or failed lookups name their
/// slow source: the sources timed at warning_ms or more ("dns", "files",
/// "files and dns"), or "the NSS path" when neither alone is. Unknown: a
/// host not asked, a name without "nss" lookup, a lookup that did not run
/// (another exit status: 127 getent or timeout missing), a found name
/// without address; no host or no name. Samples:
/// greenlight_name_resolution_seconds{host,name,source} (each lookup
/// measured), greenlight_name_resolution_success{host,name} (1 resolved, 0
/// not, or not measured). Facts: kind "name_resolution", subject "HOST
/// NAME", value ok|slow|unresolved|timeout|unanswered; kind
/// "name_resolution_slow", same subject, value the slow source.
CheckResult name_resolution_verdict(const std::vector<std::string>& names,
                                    const std::vector<HostNameResolution>& hosts,
                                    const NameResolutionLimits& limits);

}  // namespace greenlight::checks
