// greenlight resolve -s SERVER[:PORT] [-t TIMEOUT] [-o text|json] NAME...: asks
// one DNS server for the A records of the names with c-ares (no hosts file, no
// search domains, no system resolver) and prints `NAME: ADDRESS...` or
// `NAME: error: REASON`, one line per name (or one JSON document,
// greenlight/resolve/v1). The dns_critical check runs it for each of its
// `servers`. Exit 0 when every name has an address, 1 when some has not, 2 on
// a usage error.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "command.h"
#include "greenlight/checks/dns_servers.h"
#include "greenlight/core/config_value.h"
#include "output.h"

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
  std::string server_text;
  OutputFormat output = OutputFormat::kText;
  auto cli = make_cli(
      "resolve",
      "Asks one DNS server for the A records of the names (c-ares: no hosts file, no search\n"
      "domains, no system resolver); prints NAME: ADDRESS... or NAME: error: REASON.\n"
      "Exit 0 when every name has an address, 1 when some has not, 2 on a usage error.",
      "  greenlight resolve -s 10.1.0.1 top1.ocean admin1.ocean\n"
      "  greenlight resolve -s 127.0.0.53:5353 -t 2s ns1.lab\n"
      "  greenlight resolve -s 10.1.0.1 -o json top1.ocean admin1.ocean\n");
  cli->add_option("-s,--server", server_text, "SERVER[:PORT] to ask")->required();
  add_duration_option(*cli, "-t,--timeout", timeout,
                      "TIMEOUT: deadline for all the names (default 5s)",
                      std::chrono::milliseconds(1), std::chrono::hours(24));
  add_output_option(*cli, output);
  cli->add_option("NAME", names, "names to resolve")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  if (auto code = parse_cli(*cli, args, 2)) return *code;
  auto parsed_server = checks::parse_dns_server(server_text);
  if (!parsed_server) return usage(parsed_server.error().reason);
  server = *parsed_server;
  const auto answers = checks::query_dns_server(*server, names, timeout);
  if (output == OutputFormat::kJson) {
    JsonDocument list = JsonDocument::array();
    for (const auto& answer : answers) {
      list.push_back({{"name", answer.name},
                      {"addresses", answer.addresses},
                      {"error", answer.error.empty() ? JsonDocument() : JsonDocument(answer.error)}});
    }
    print_json_document("resolve", {{"server", server->text()},
                                    {"timeout_seconds", milliseconds_in_seconds(timeout)},
                                    {"answers", list}});
  } else {
    std::cout << checks::format_resolve_output(answers) << std::flush;
  }
  const bool all = std::all_of(answers.begin(), answers.end(),
                               [](const checks::DnsAnswer& a) { return a.error.empty(); });
  return all ? 0 : 1;
}

const CommandRegistration kRegistration{
    {"resolve",
     "resolve -s SERVER[:PORT] [-t TIMEOUT] [-o text|json] NAME...  ask one DNS server (c-ares)",
     run_resolve}};

}  // namespace
}  // namespace greenlight::app
