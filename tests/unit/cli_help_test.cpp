// `--help` on every subcommand (the ones `greenlight --help` lists, and each
// subcommand of those that have some): usage and examples on stdout, nothing
// on stderr, exit 0.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "support/read_file.h"

namespace {

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Output run(const std::string& words) {
  const std::string err_file = "/tmp/greenlight_cli_help_test.err." + std::to_string(::getpid());
  // The configuration is never read for --help: point at nothing.
  const std::string command = "GREENLIGHT_CONFIG=/nonexistent " + std::string(GREENLIGHT_BINARY) +
                              " " + words + " 2>" + err_file;
  Output result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = greenlight::test::read_file(err_file);
  std::remove(err_file.c_str());
  return result;
}

// The subcommands `greenlight --help` lists, first word of each line after
// "commands:".
std::vector<std::string> commands() {
  const Output help = run("--help");
  REQUIRE(help.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream lines(help.out);
  std::string line;
  bool listing = false;
  while (std::getline(lines, line)) {
    if (line == "commands:") {
      listing = true;
    } else if (listing && line.rfind("  ", 0) == 0) {
      std::istringstream words(line);
      std::string name;
      words >> name;
      out.push_back(name);
    }
  }
  return out;
}

void check_help(const std::string& words) {
  INFO("greenlight " << words);
  const Output help = run(words);
  CHECK(help.exit_code == 0);
  CHECK(help.err.empty());
  CHECK_THAT(help.out, Catch::Contains("Usage: greenlight", Catch::CaseSensitive::No));
  CHECK_THAT(help.out, Catch::Contains("Examples:"));
}

}  // namespace

TEST_CASE("every subcommand answers --help with its usage and examples on stdout") {
  const auto names = commands();
  for (const char* expected :
       {"check", "config", "exec", "help", "nodeset", "resolve", "runbook", "serve"})
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  for (const auto& name : names) {
    check_help(name + " --help");
    check_help(name + " -h");
  }
  CHECK(std::find(names.begin(), names.end(), "__complete") == names.end());
  for (const char* sub :
       {"list", "plan", "check", "exec", "resume", "attach", "status", "log", "abort"})
    check_help(std::string("runbook ") + sub + " --help");
  check_help("config check --help");
  // --help wins over what else is on the line, as it does for optparse.
  check_help("exec -w node1 --help");
  check_help("check gluster_peers --help");
}

// docs/json.md lists the commands that print one JSON document with -o json:
// each one's --help offers it (CLI11 lists the choices), so its completion does.
TEST_CASE("every command that prints results offers -o json in its --help") {
  for (const char* words :
       {"check", "exec", "config check", "resolve", "runbook list", "runbook plan",
        "runbook check", "runbook status", "runbook log"}) {
    INFO("greenlight " << words);
    const Output help = run(std::string(words) + " --help");
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("--output"));
    CHECK_THAT(help.out, Catch::Contains("json"));
  }
}

TEST_CASE("greenlight help COMMAND... says what COMMAND... --help says") {
  CHECK(run("help runbook plan").out == run("runbook plan --help").out);
  CHECK(run("help nodeset").out == run("nodeset --help").out);
  CHECK(run("help").out == run("--help").out);
  const Output unknown = run("help nosuch");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command 'nosuch'"));
  const Output man = run("help --man");
  CHECK(man.exit_code == 0);
  CHECK(man.err.empty());
  CHECK_THAT(man.out, Catch::StartsWith(".\\\" greenlight(1)"));
}

TEST_CASE("a usage error says so on stderr, with the usage, and exits as the command's usage code") {
  const Output exec = run("exec -w node1 --nosuch");
  CHECK(exec.exit_code == 2);
  CHECK(exec.out.empty());
  CHECK_THAT(exec.err, Catch::Contains("--nosuch"));
  const Output check = run("check -o yaml");
  CHECK(check.exit_code == 3);  // a Nagios plugin's unknown
  const Output runbook = run("runbook plan");
  CHECK(runbook.exit_code == 2);
  CHECK_THAT(runbook.err, Catch::Contains("NAME is required"));
  CHECK(run("resolve www").exit_code == 2);
}

TEST_CASE("an unknown option or subcommand is named, before what is missing") {
  const Output exec = run("exec --bogus");
  CHECK(exec.exit_code == 2);
  CHECK_THAT(exec.err, Catch::Contains("unknown option '--bogus'"));
  const Output resolve = run("resolve --bogus x");
  CHECK_THAT(resolve.err, Catch::Contains("unknown option '--bogus'"));
  const Output runbook = run("runbook bogus");
  CHECK(runbook.exit_code == 2);
  CHECK_THAT(runbook.err, Catch::Contains("unknown subcommand 'bogus'"));
  const Output sub_option = run("runbook exec --bogus x");
  CHECK_THAT(sub_option.err, Catch::Contains("unknown option '--bogus'"));
  // Known words still get CLI11's own reason.
  CHECK_THAT(run("exec").err, Catch::Contains("-w"));
}

// What the operator typed comes back in an error with its control bytes
// escaped: a pasted escape sequence cannot clear the screen or fake a line.
TEST_CASE("nodeset and runbook abort echo typed text escaped, never raw") {
  const std::string site = "/tmp/greenlight_cli_help_test.site." + std::to_string(::getpid());
  {
    std::FILE* file = std::fopen(site.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("site: t\n", file);
    std::fclose(file);
  }
  const Output parse = run("-c " + site + " nodeset -e \"$(printf 'a\\033[2Jb[')\"");
  CHECK(parse.exit_code == 1);
  CHECK(parse.err.find('\x1b') == std::string::npos);
  CHECK_THAT(parse.err, Catch::Contains("Parse error: missing bracket: \"a\\x1b[2Jb[\""));
  const Output source = run("-c " + site + " nodeset -s \"$(printf 'x\\033[2J')\" -e a");
  CHECK(source.exit_code == 1);
  CHECK(source.err == "greenlight nodeset: Unknown group source: \"x\\x1b[2J\"\n");
  const Output abort = run("-c " + site +
                           " runbook abort r1 --runs /nonexistent --reason \"$(printf 'a\\033[2J')\"");
  std::remove(site.c_str());
  CHECK(abort.exit_code == 2);
  CHECK(abort.err ==
        "greenlight runbook abort: --reason: a reason is one line of text: control character "
        "0x1b at byte 2\n");
}

// Every numeric option refuses a value out of its range, a fraction where a
// whole number is wanted and a word too large to convert the same way: the
// option, the value and the range in words, exit 2 (never CLI11's "Value 0
// not in range 0.000000 to 1797..." nor "Could not convert").
TEST_CASE("a numeric option out of range names the option, the value and the range") {
  const struct {
    const char* words;
    const char* message;
  } cases[] = {
      {"exec -w here -f 0 -- true", "greenlight exec: -f 0: must be a whole number from 1 to 4096\n"},
      {"exec -w here -f 99999999999 -- true",
       "greenlight exec: -f 99999999999: must be a whole number from 1 to 4096\n"},
      {"exec -w here -f 1.5 -- true", "greenlight exec: -f 1.5: must be a whole number from 1 to 4096\n"},
      {"exec -w here -t -1 -- true",
       "greenlight exec: -t -1: must be a number of seconds from 0.001 to 86400 (or a duration such as 500ms, 5s or 1m30s)\n"},
      {"exec -w here -u 0 -- true",
       "greenlight exec: -u 0: must be a number of seconds from 0.001 to 86400 (or a duration such as 500ms, 5s or 1m30s)\n"},
      {"exec -w here -u abc -- true",
       "greenlight exec: -u abc: must be a number of seconds from 0.001 to 86400 (or a duration such as 500ms, 5s or 1m30s)\n"},
      {"exec -w here --cap -1 -- true",
       "greenlight exec: --cap -1: must be a whole number of bytes from 1 to 1073741824\n"},
      {"exec -w here --port 65536 -- true",
       "greenlight exec: --port 65536: must be a whole number from 1 to 65535\n"},
      {"resolve -s 127.0.0.1 -t 0 x",
       "greenlight resolve: --timeout 0: must be a duration from 1ms to 24h (such as 500ms, 5s or "
       "1m30s)\n"},
      {"resolve -s 127.0.0.1 --timeout 99999999999999h x",
       "greenlight resolve: --timeout 99999999999999h: must be a duration from 1ms to 24h (such as "
       "500ms, 5s or 1m30s)\n"},
  };
  for (const auto& c : cases) {
    INFO("greenlight " << c.words);
    const Output out = run(c.words);
    CHECK(out.exit_code == 2);
    CHECK(out.out.empty());
    CHECK_THAT(out.err, Catch::StartsWith(c.message));
    CHECK(out.err.find("179769313") == std::string::npos);
  }
  // The last of an option given twice is the one checked, and in range it runs.
  CHECK(run("exec -w here -f 0 -f 2 -u 0.5 --cap 1 --port 22 --help").exit_code == 0);
  // -t and -u take a duration as the configuration writes it, too.
  CHECK(run("exec -w here -t 5s -u 1m30s --help").exit_code == 0);
  CHECK(run("exec -w here -u 500ms --help").exit_code == 0);
}

TEST_CASE("a node index too large for a node set is named as such") {
  const std::string site = "/tmp/greenlight_cli_help_test.index." + std::to_string(::getpid());
  {
    std::FILE* file = std::fopen(site.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("site: t\n", file);
    std::fclose(file);
  }
  const std::string c = "-c " + site + " ";
  const Output nodeset = run(c + "nodeset -c 'node[1-99999999999999999999]'");
  CHECK(nodeset.exit_code == 1);
  CHECK_THAT(nodeset.err,
             Catch::StartsWith("greenlight nodeset: Parse error: node[1-99999999999999999999]: "
                               "99999999999999999999 is too large for a node index (at most "
                               "999999999999999999)"));
  CHECK_THAT(run(c + "nodeset -c node99999999999999999999").err,
             Catch::Contains("99999999999999999999 is too large for a node index"));
  const Output exec = run(c + "exec -w 'node[1-99999999999999999999]' -- true");
  CHECK(exec.exit_code == 2);
  CHECK(exec.err ==
        "greenlight exec: node[1-99999999999999999999]: 99999999999999999999 is too large for a "
        "node index (at most 999999999999999999)\n");
  CHECK(run(c + "nodeset -e 'node[999999999999999999]'").out == "node999999999999999999\n");
  std::remove(site.c_str());
}
