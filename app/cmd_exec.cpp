// greenlight exec -w NODES [-x NODES] [-f FANOUT] [-t CONNECT_S] [-u CMD_S] [-b]
//   [-o text|json] [-c CMD]... [-- CMD...]: runs commands on nodes over SSH
// (the site's self host locally), as clush does, keeping one session per node
// for all the commands of the invocation. docs/exec.md is the reference.
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "command.h"
#include "exec_output.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/core/fanout.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/process.h"
#include "greenlight/core/site_runner.h"
#include "nodeset_output.h"

namespace greenlight::app {
namespace {

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

// --cap: what a node's stream may hold in memory (4 MiB by default).
constexpr std::size_t kMaxCap = std::size_t{1} << 30;

// The words up to "--" are options; the words after it are one command.
// Returns the exit code when the command must stop here (--help, usage).
std::optional<int> parse_options(const std::vector<std::string>& args, ExecOptions& o) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const std::vector<std::string> options(args.begin(), dashes);
  auto cli = make_cli(
      "exec",
      "greenlight exec -w NODES [OPTIONS] -c COMMAND... | -- COMMAND WORDS...\n"
      "Runs commands on the nodes over SSH (the site's self host locally), as clush does,\n"
      "keeping one session per node for all the commands of the invocation; output gathered\n"
      "by identical content with -b. docs/exec.md is the reference.",
      "  greenlight exec -w 'node[1-200]' -- uptime\n"
      "  greenlight exec -w @compute -x cn005 -f 64 -b -c 'systemctl is-active slurmd'\n"
      "  greenlight -c site.yaml exec -w @hypervisors -o json -c 'cat /proc/loadavg' -c uptime\n");
  cli->add_option("-w", o.include, "NODES to run on (node set; repeatable)")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli->add_option("-x", o.exclude, "NODES to leave out (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli->add_option("-c", o.commands, "COMMAND to run (repeatable, in order)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // The ranges of the configuration's ssh keys (docs/config.md).
  add_whole_number_option(*cli, "-f", o.fanout, "FANOUT: sessions at once", 1, 4096);
  add_seconds_option(*cli, "-t", o.connect_seconds, "CONNECT_S: deadline to connect, seconds",
                     0.001, 86400);
  add_seconds_option(*cli, "-u", o.command_seconds,
                     "COMMAND_S: deadline of each command, seconds", 0.001, 86400);
  cli->add_flag("-b", o.gather, "gather nodes with identical output (clush -b)");
  OutputFormat output = OutputFormat::kText;
  add_output_option(*cli, output);
  add_whole_number_option(*cli, "--cap", o.cap, "BYTES of output kept per node and stream", 1,
                          kMaxCap, "bytes");
  cli->add_option("--user", o.user, "USER to log in as");
  add_whole_number_option(*cli, "--port", o.port, "PORT of sshd", 1, 65535);
  cli->add_option("-i", o.identities, "IDENTITY file (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli->add_option("--known-hosts", o.known_hosts, "FILE of known host keys");
  bool accept_new = false, strict = false;
  cli->add_flag("--accept-new", accept_new, "accept and record keys of unknown hosts")
      ->excludes(cli->add_flag("--strict", strict, "refuse unknown hosts"));
  if (auto code = parse_cli(*cli, options, 2)) return code;
  if (accept_new) o.accept_new = 1;
  if (strict) o.accept_new = 0;
  o.json = output == OutputFormat::kJson;
  if (dashes != args.end()) {
    std::string line;
    for (auto word = dashes + 1; word != args.end(); ++word) line += (line.empty() ? "" : " ") + *word;
    if (!line.empty()) o.commands.push_back(line);
  }
  if (o.commands.empty()) {
    std::cerr << "greenlight exec: no command: give -c COMMAND or -- COMMAND (see --help)\n";
    return 2;
  }
  return std::nullopt;
}

std::chrono::milliseconds from_seconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

int run_exec(const Invocation& invocation, const std::vector<std::string>& args) {
  ExecOptions o;
  if (auto code = parse_options(args, o)) return *code;
  config::Site site;
  if (invocation.config_given) {
    config::Diagnostics diagnostics;
    site = checks::load_site(invocation.config_path, diagnostics);
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
    check_node_ceiling(nodes.size(), "the node set");
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
  // SIGHUP (the terminal or the SSH session lost) is taken as Ctrl-C.
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  // The first Ctrl-C stops in order (runner.interrupt()): no new command,
  // SSH channels closed, local commands (greenlight's own host, their
  // groups included) sent SIGTERM then SIGKILL after a grace, each ending
  // as "interrupted"; the loop still hears a second Ctrl-C, which kills
  // what is left and exits at once.
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        // With the terminal gone, the summary may go to a closed pipe: that
        // must not end the stop half way.
        if (signal == SIGHUP) std::signal(SIGPIPE, SIG_IGN);
        if (interrupted) {
          std::fprintf(stderr, "greenlight exec: interrupted again, exiting now\n");
          end_running_processes(std::chrono::milliseconds(0));
          std::fflush(stdout);
          std::_Exit(130);
        }
        interrupted = true;
        std::fprintf(stderr, "greenlight exec: interrupted, stopping (Ctrl-C again to exit now)\n");
        if (current) current->stop();
        runner.interrupt();
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

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

  if (o.json) print_json_document("exec", {{"results", results_json(all)}});
  std::fflush(stdout);
  if (const std::string summary = failure_summary(all); !summary.empty())
    std::fprintf(stderr, "greenlight exec: %s", summary.c_str());
  if (interrupted) {
    // Told to stop, and everything is said: exit now, as `check` does,
    // without waiting on the SSH threads' teardown (sessions to hosts that
    // were cut off) nor running destructors under them.
    std::fflush(nullptr);
    std::_Exit(130);
  }
  return exec_exit_code(all);
}

const CommandRegistration kRegistration{
    {"exec",
     "exec -w NODES [-x NODES] [-b] [-o text|json] [-c CMD]... [-- CMD]  run commands on nodes "
     "over SSH",
     run_exec}};

}  // namespace
}  // namespace greenlight::app
