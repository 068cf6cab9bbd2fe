// The records confiture publishes, asked directly of each DNS server (c-ares,
// no search domains, no hosts file, no system resolver): every name's A
// answer must be exactly its records' addresses. The query runs in its own
// process, `greenlight resolve -s SERVER NAME...`, so that a server that does
// not answer holds up nothing but that process, which the check's deadline
// kills like any other command.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/check_result.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/dns.h"
#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

/// A DNS server: an IPv4 or IPv6 address and a port.
struct DnsServer {
  std::string address;
  int port = 53;
  /// "127.0.0.53:5353", "[::1]:53": the form parse_dns_server reads.
  std::string text() const;
};

/// Reads "ADDRESS", "ADDRESS:PORT", "[IPV6]" or "[IPV6]:PORT". Names are
/// refused: the server's address must not itself need a resolver.
Parsed<DnsServer> parse_dns_server(std::string_view text);

/// Asks `server` for the A records of every name with c-ares (one channel,
/// queries in parallel) and waits at most `timeout` for all of them. Blocking:
/// call it from a process or thread of its own. Errors per name: "NXDOMAIN",
/// "no address" (the name exists without an A record), "timeout",
/// "connection refused", or c-ares' own words.
std::vector<DnsAnswer> query_dns_server(const DnsServer& server,
                                        const std::vector<std::string>& names,
                                        std::chrono::milliseconds timeout);

/// The output of `greenlight resolve`: one line per name,
/// `NAME: ADDRESS ADDRESS...` or `NAME: error: REASON`.
std::string format_resolve_output(const std::vector<DnsAnswer>& answers);
/// Reads that output back; a line in another shape is a ParseError naming
/// the line.
Parsed<std::vector<DnsAnswer>> parse_resolve_output(std::string_view text);

/// What one server answered, or why it could not be asked at all.
struct ServerAnswers {
  std::string server;  ///< as DnsServer::text()
  std::vector<DnsAnswer> answers;
  std::string error;  ///< non-empty: nothing was asked (the resolve command failed)
};

/// Every name of every record at every server. Per server and name:
/// - an error or no address: critical, `top2-adm missing at 127.0.0.53:5353
///   (NXDOMAIN)`; a timeout, a refused connection or a server that could
///   not be asked: unknown (`127.0.0.53:5353 did not answer for top1 (timeout)`);
/// - an expected address absent: critical, `top1 at 127.0.0.53:5353 is
///   10.9.9.9, expected 10.1.0.1`;
/// - an address no record gives that name: warning, `top3-adm at
///   127.0.0.53:5353 also answers 10.1.0.99` (extra answer).
/// Samples: greenlight_dns_server_record_ok{server,name} 0/1. Facts: kind
/// "dns_server", subject "SERVER NAME", value ok|missing|wrong|extra|unanswered.
CheckResult dns_servers_verdict(const std::vector<AddressRecord>& records,
                                const std::vector<ServerAnswers>& servers);

}  // namespace greenlight::checks
