// Verdict of the critical DNS records: the names confiture tags critical must
// resolve to their addresses, also while the DNS VMs are down (the procedure's
// warning before the VM shutdown): from the hosts file of every host that
// works meanwhile. DnsAnswer is also what a DNS server answered
// (dns_servers.h).
#pragma once

#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// What resolving one name gave: its addresses, or an error ("NXDOMAIN",
/// "timeout", ...). An answer with neither is "no address".
struct DnsAnswer {
  std::string name;
  std::vector<std::string> addresses;
  std::string error;
};

/// One name looked up in one host's hosts file (getent's exit status: 0
/// found, 2 not found, anything else did not look; `addresses` in order).
struct HostsLookup {
  std::string name;
  int exit_status = -1;
  std::vector<std::string> addresses;
};

/// Parser of hosts_file_lookup_script's output (commands.h): "== NAME",
/// getent's lines ("ADDRESS NAME ALIAS..."), "== rc N", per name. A line
/// outside a block, a block without its "== rc" line, or a non-numeric
/// status is a ParseError naming the line.
Parsed<std::vector<HostsLookup>> parse_hosts_file_lookups(std::string_view output);

/// What one host's hosts file answered; `error` when the host could not be
/// asked (unreachable, timeout, unreadable output).
struct HostsFileAnswers {
  std::string host;
  std::vector<HostsLookup> lookups;
  std::string error;
};

/// The critical records in the hosts file of every host: green when, on
/// every host, every name of every record is found (getent exit 0) and
/// holds the record's address. Not found is critical and named with the
/// host ("top1-adm not in the hosts file of worker02"), a wrong address too
/// ("top1 is 10.9.9.9 in the hosts file of worker02, expected 10.1.0.1");
/// a host not asked, a name without lookup or a lookup that did not look
/// (another exit status) are unknown; no host or no record: unknown.
/// Samples: greenlight_dns_record_ok{host,name} 0/1. Facts: kind
/// "dns_hosts_file", subject "HOST NAME", value ok|wrong|missing|unanswered.
CheckResult hosts_files_verdict(const std::vector<AddressRecord>& expected,
                                const std::vector<HostsFileAnswers>& hosts);

}  // namespace greenlight::checks
