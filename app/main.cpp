// greenlight: global options, then dispatch to the subcommand.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "command.h"
#include "greenlight/core/error_text.h"

namespace greenlight::app {

std::vector<Command>& command_table() {
  static std::vector<Command> table;
  return table;
}

namespace {
constexpr const char* kDefaultConfig = "/etc/greenlight/greenlight.yaml";
}  // namespace

void print_usage(std::ostream& out) {
  out << "usage: greenlight [-c CONFIG] COMMAND [ARGS...]\n\n"
         "Health gates and runbooks for restarting an HPC management cluster.\n\n"
         "options:\n"
         "  -c, --config CONFIG  site configuration (default: $GREENLIGHT_CONFIG, then "
      << kDefaultConfig
      << ")\n"
         "  -h, --help           show this help\n"
         "  --version            show the version\n\n"
         // Before the commands: tests and greenlight(1) read the list of
         // commands to the end of the text.
         "Examples:\n"
         "  greenlight -c site.yaml config check\n"
         "  greenlight check\n"
         "  greenlight exec -w @hypervisors -b -- uptime\n"
         "  greenlight runbook plan restart\n"
         "  greenlight runbook exec restart\n"
         "  greenlight help runbook exec\n\n"
         "commands:\n";
  auto commands = command_table();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  for (const auto& command : commands)
    if (!command.synopsis.empty()) out << "  " << command.synopsis << "\n";
}

}  // namespace greenlight::app

int main(int argc, char** argv) {
  using namespace greenlight::app;
  // Started with standard input, output or error closed (`<&-`, `>&-`),
  // the next file opened would take its number: a run's lock file read
  // as the operator's answers, the terminal's lines written into it. Each
  // closed one is /dev/null instead: no input, output dropped.
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
      if (null >= 0 && null != fd) {
        ::dup2(null, fd);
        ::close(null);
      }
    }
  }
  Invocation invocation;
  invocation.program = argc > 0 ? argv[0] : "greenlight";
  if (const char* env = std::getenv("GREENLIGHT_CONFIG"); env != nullptr && *env != '\0') {
    invocation.config_path = env;
    invocation.config_given = true;
  } else {
    invocation.config_path = kDefaultConfig;
  }

  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-c" || arg == "--config") {
      if (i + 1 >= argc) {
        std::cerr << "greenlight: option " << arg << " needs a file name\n";
        return 2;
      }
      invocation.config_path = argv[++i];
      invocation.config_given = true;
    } else if (arg.rfind("--config=", 0) == 0) {
      invocation.config_path = arg.substr(9);
      invocation.config_given = true;
    } else if (arg == "-h" || arg == "--help") {
      print_usage(std::cout);
      return 0;
    } else if (arg == "--version") {
      std::cout << "greenlight " << GREENLIGHT_VERSION << "\n";
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "greenlight: unknown option '" << arg << "'\n";
      print_usage(std::cerr);
      return 2;
    } else {
      break;
    }
  }
  if (i >= argc) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string name = argv[i];
  const auto& table = command_table();
  auto command =
      std::find_if(table.begin(), table.end(), [&](const Command& c) { return c.name == name; });
  if (command == table.end()) {
    std::cerr << "greenlight: unknown command '" << name << "' (see greenlight --help)\n";
    return 2;
  }
  std::vector<std::string> args(argv + i + 1, argv + argc);
  try {
    return command->run(invocation, args);
  } catch (const std::exception& error) {
    std::cerr << "greenlight " << name << ": " << greenlight::error_text(error) << "\n";
    return 2;
  }
}
