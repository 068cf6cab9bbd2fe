// Verdict of the critical DNS records: the names confiture tags critical must
// resolve to their addresses, also while the DNS VMs are down (the procedure's
// warning before the VM shutdown). How the names are resolved (c-ares against
// given servers, or the hosts file) is the check's business; this judges the
// answers.
#pragma once

#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/confiture.h"

namespace greenlight::checks {

/// What resolving one name gave: its addresses, or an error ("NXDOMAIN",
/// "timeout", ...). An answer with neither is "no address".
struct DnsAnswer {
  std::string name;
  std::vector<std::string> addresses;
  std::string error;
};

/// Green when every name of every expected record resolves and its answer
/// holds the record's address (a bare node name must hold the addresses of
/// all its default networks). No answer for a name: unknown; an error, no
/// address, or addresses without the expected one: critical, named
/// ("top1-adm resolves to 10.9.9.9, expected 10.1.0.1"). Samples:
/// greenlight_dns_record_ok{name} 0/1. Facts: kind "dns", subject name,
/// value ok|wrong|failed|unanswered.
CheckResult dns_records_verdict(const std::vector<AddressRecord>& expected,
                                const std::vector<DnsAnswer>& answers);

}  // namespace greenlight::checks
