// greenlight exec -w NODES [-x NODES] [-f FANOUT] [-t CONNECT_S] [-u CMD_S] [-b]
//   [-o table|json] [-c CMD]... [-- CMD...]: runs commands on nodes over SSH
// (the site's self host locally), as clush does, keeping one session per node
// for all the commands of the invocation. docs/exec.md is the reference.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "command.h"
#include "exec_output.h"
#include "greenlight/core/config.h"
#include "greenlight/core/fanout.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/site_runner.h"
#include "nodeset_output.h"

namespace greenlight::app {
namespace {

constexpr const char* kUsage =
    "usage: greenlight [-c CONFIG] exec -w NODES [-x NODES] [-f FANOUT] [-t CONNECT_S]\n"
    "         [-u COMMAND_S] [-b] [-o table|json] [--cap BYTES] [--user USER] [--port PORT]\n"
    "         [-i IDENTITY]... [--known-hosts FILE] [--accept-new | --strict]\n"
    "         [-c COMMAND]... [-- COMMAND WORDS...]\n";

struct ExecOptions {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::vector<std::string> commands;
  int fanout = 0;
  double connect_seconds = 0;
  double command_seconds = 0;
  bool gather = false;
  bool json = false;
  std::size_t cap = 0;
  std::string user;
  int port = 0;
  std::vector<std::string> identities;
  std::string known_hosts;
  int accept_new = -1;  ///< -1: the configuration's policy
};

double parse_number(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < 0)
    throw std::invalid_argument(fmt::format("{} takes a positive number, not '{}'", option, text));
  return value;
}

// Returns an error message, empty when the words parse.
std::string parse_options(const std::vector<std::string>& args, ExecOptions& o) {
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw std::invalid_argument(fmt::format("{} needs a value", a));
        return args[++i];
      };
      if (a == "--") {
        std::string line;
        for (++i; i < args.size(); ++i) line += (line.empty() ? "" : " ") + args[i];
        if (!line.empty()) o.commands.push_back(line);
      } else if (a == "-w") {
        o.include.push_back(value());
      } else if (a == "-x") {
        o.exclude.push_back(value());
      } else if (a == "-c") {
        o.commands.push_back(value());
      } else if (a == "-f") {
        o.fanout = static_cast<int>(parse_number(a, value()));
        if (o.fanout < 1) throw std::invalid_argument("-f takes a fanout of 1 or more");
      } else if (a == "-t") {
        o.connect_seconds = parse_number(a, value());
      } else if (a == "-u") {
        o.command_seconds = parse_number(a, value());
      } else if (a == "-b") {
        o.gather = true;
      } else if (a == "-o") {
        const std::string& format = value();
        if (format != "table" && format != "json")
          throw std::invalid_argument("-o takes table or json");
        o.json = format == "json";
      } else if (a == "--cap") {
        o.cap = static_cast<std::size_t>(parse_number(a, value()));
      } else if (a == "--user") {
        o.user = value();
      } else if (a == "--port") {
        o.port = static_cast<int>(parse_number(a, value()));
        if (o.port < 1 || o.port > 65535) throw std::invalid_argument("--port takes 1-65535");
      } else if (a == "-i") {
        o.identities.push_back(value());
      } else if (a == "--known-hosts") {
        o.known_hosts = value();
      } else if (a == "--accept-new") {
        o.accept_new = 1;
      } else if (a == "--strict") {
        o.accept_new = 0;
      } else {
        throw std::invalid_argument(fmt::format("unknown option or word '{}'", a));
      }
    }
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  if (o.include.empty()) return "-w NODES is required";
  if (o.commands.empty()) return "no command: give -c COMMAND or -- COMMAND";
  return "";
}

std::chrono::milliseconds from_seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

int run_exec(const Invocation& invocation, const std::vector<std::string>& args) {
  ExecOptions o;
  if (const std::string error = parse_options(args, o); !error.empty()) {
    std::cerr << "greenlight exec: " << error << "\n" << kUsage;
    return 2;
  }
  config::Site site;
  if (invocation.config_given) {
    config::Diagnostics diagnostics;
    site = config::load_site(invocation.config_path, diagnostics);
    if (!diagnostics.ok()) {
      std::cerr << diagnostics.format() << "greenlight exec: the configuration is not valid\n";
      return 2;
    }
  }
  // The command line overrides the configuration's ssh settings.
  if (!o.user.empty()) site.ssh.user = o.user;
  if (o.port != 0) site.ssh.port = o.port;
  if (!o.identities.empty()) site.ssh.identity_files = o.identities;
  if (!o.known_hosts.empty()) site.ssh.known_hosts = o.known_hosts;
  if (o.accept_new >= 0) site.ssh.accept_new_host_keys = o.accept_new == 1;
  if (o.connect_seconds > 0) site.ssh.connect_timeout = from_seconds(o.connect_seconds);
  if (o.command_seconds > 0) site.ssh.command_timeout = from_seconds(o.command_seconds);
  if (o.fanout > 0) site.ssh.fanout = o.fanout;

  NodeSet nodes;
  try {
    auto groups = load_nodeset_groups(invocation);
    for (const auto& text : o.include) nodes.update(NodeSet::parse(text, groups.get()));
    for (const auto& text : o.exclude) nodes.difference_update(NodeSet::parse(text, groups.get()));
  } catch (const std::exception& error) {
    std::cerr << "greenlight exec: " << error.what() << "\n";
    return 2;
  }
  if (nodes.empty()) {
    std::cerr << "greenlight exec: the node set is empty\n";
    return 2;
  }
  std::vector<Endpoint> endpoints;
  nodes.for_each([&](const std::string& node) { endpoints.push_back(site_endpoint(&site, node)); });

  asio::io_context io;
  SiteRunner runner(io, ssh_options(site.ssh));
  std::vector<RunResult> all;
  std::shared_ptr<FanOut> current;
  bool interrupted = false;
  std::size_t next_command = 0;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    interrupted = true;
    std::fprintf(stderr, "greenlight exec: interrupted, stopping\n");
    if (current) current->stop();
    runner.ssh().interrupt();
  });

  std::function<void()> start_next = [&]() {
    if (interrupted || next_command == o.commands.size()) {
      signals.cancel();
      return;
    }
    greenlight::Command command = greenlight::Command::shell(o.commands[next_command++]);
    command.timeout = site.ssh.command_timeout;
    if (o.cap > 0) command.output_cap = o.cap;
    if (o.commands.size() > 1 && !o.json) {
      std::fflush(stderr);
      std::printf("== %s\n", command.text().c_str());
    }
    FanOut::OnResult each;
    if (!o.gather && !o.json)
      each = [](const RunResult& r) { print_node_lines(r, stdout, stderr); };
    current = FanOut::start(runner, endpoints, command, site.ssh.fanout, each,
                            [&](std::vector<RunResult> results) {
                              if (o.gather && !o.json) print_gathered(results, stdout, stderr);
                              std::fflush(stdout);
                              for (auto& r : results) all.push_back(std::move(r));
                              asio::post(io, [&] { start_next(); });
                            });
  };
  start_next();
  io.run();
  current.reset();

  if (o.json) std::fputs(results_json(all).c_str(), stdout);
  std::fflush(stdout);
  if (const std::string summary = failure_summary(all); !summary.empty())
    std::fprintf(stderr, "greenlight exec: %s", summary.c_str());
  return interrupted ? 130 : exec_exit_code(all);
}

const CommandRegistration kRegistration{
    {"exec",
     "exec -w NODES [-x NODES] [-b] [-o table|json] [-c CMD]... [-- CMD]  run commands on nodes "
     "over SSH",
     run_exec}};

}  // namespace
}  // namespace greenlight::app
