// greenlight resolve -s SERVER[:PORT] [-t TIMEOUT] NAME...: asks one DNS
// server for the A records of the names with c-ares (no hosts file, no search
// domains, no system resolver) and prints `NAME: ADDRESS...` or
// `NAME: error: REASON`, one line per name. The dns_critical check runs it
// for each of its `servers`. Exit 0 when every name has an address, 1 when
// some has not, 2 on a usage error.
#include <fmt/format.h>

#include <iostream>

#include "command.h"
#include "greenlight/checks/dns_servers.h"
#include "greenlight/core/config_value.h"

namespace greenlight::app {
namespace {

int usage(const std::string& why) {
  std::cerr << "greenlight resolve: " << why
            << "\nusage: greenlight resolve -s SERVER[:PORT] [-t TIMEOUT] NAME...\n";
  return 2;
}

int run_resolve(const Invocation& /*invocation*/, const std::vector<std::string>& args) {
  std::optional<checks::DnsServer> server;
  std::chrono::milliseconds timeout{5000};
  std::vector<std::string> names;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-s" || args[i] == "-t") && i + 1 == args.size())
      return usage(args[i] + " needs a value");
    if (args[i] == "-s") {
      auto parsed = checks::parse_dns_server(args[++i]);
      if (!parsed) return usage(parsed.error().reason);
      server = *parsed;
    } else if (args[i] == "-t") {
      auto parsed = config::parse_duration(args[++i]);
      if (!parsed || parsed->count() <= 0) return usage(fmt::format("bad timeout '{}'", args[i]));
      timeout = *parsed;
    } else if (!args[i].empty() && args[i][0] == '-') {
      return usage(fmt::format("unknown option {}", args[i]));
    } else {
      names.push_back(args[i]);
    }
  }
  if (!server) return usage("-s SERVER is required");
  if (names.empty()) return usage("no name to resolve");
  const auto answers = checks::query_dns_server(*server, names, timeout);
  std::cout << checks::format_resolve_output(answers) << std::flush;
  const bool all = std::all_of(answers.begin(), answers.end(),
                               [](const checks::DnsAnswer& a) { return a.error.empty(); });
  return all ? 0 : 1;
}

const CommandRegistration kRegistration{
    {"resolve", "resolve -s SERVER[:PORT] [-t TIMEOUT] NAME...  ask one DNS server (c-ares)",
     run_resolve}};

}  // namespace
}  // namespace greenlight::app
