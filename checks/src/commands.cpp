#include "greenlight/checks/commands.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenlight/core/shell.h"

namespace greenlight::checks {

// --mode=script: gluster never asks a question on a terminal (LAB-NOTES).
Argv gluster_pool_list_argv() { return {"gluster", "--mode=script", "pool", "list", "--xml"}; }

Argv gluster_volume_info_argv(std::string_view volume) {
  Argv argv{"gluster", "--mode=script", "volume", "info"};
  if (!volume.empty()) argv.emplace_back(volume);
  argv.emplace_back("--xml");
  return argv;
}

Argv gluster_volume_status_argv(std::string_view volume, bool clients) {
  Argv argv{"gluster", "--mode=script", "volume", "status",
            volume.empty() ? std::string("all") : std::string(volume)};
  if (clients) argv.emplace_back("clients");
  argv.emplace_back("--xml");
  return argv;
}

// 10.3 prints the counts by client type in text only (--xml drops them).
Argv gluster_client_list_argv() {
  return {"gluster", "--mode=script", "volume", "status", "all", "client-list"};
}

Argv gluster_heal_info_argv(std::string_view volume, HealListing listing) {
  Argv argv{"gluster", "--mode=script", "volume", "heal", std::string(volume), "info"};
  if (listing == HealListing::summary) argv.emplace_back("summary");
  if (listing == HealListing::split_brain) argv.emplace_back("split-brain");
  argv.emplace_back("--xml");
  return argv;
}

Argv fping_argv(const std::vector<std::string>& targets, int count, int timeout_ms) {
  Argv argv{"fping", "-C", std::to_string(count > 0 ? count : 1), "-q"};
  if (timeout_ms > 0) {
    argv.emplace_back("-t");
    argv.push_back(std::to_string(timeout_ms));
  }
  // "--" keeps a target name from being read as an option.
  argv.emplace_back("--");
  argv.insert(argv.end(), targets.begin(), targets.end());
  return argv;
}

namespace {

// `program` shell-quoted, word by word; `fallback` when it is empty.
std::string quoted_program(const std::vector<std::string>& program, const char* fallback) {
  std::string out;
  for (const auto& word : program) out += (out.empty() ? "" : " ") + shell_quote(word);
  return out.empty() ? fallback : out;
}

// " NAME NAME...", each quoted: the word list of a `for n in` loop.
std::string quoted_names(const std::vector<std::string>& names) {
  std::string words;
  for (const auto& name : names) words += " " + shell_quote(name);
  return words;
}

}  // namespace

std::string hosts_file_lookup_script(const std::vector<std::string>& names,
                                     const std::vector<std::string>& program) {
  const std::string getent = quoted_program(program, "getent");
  const std::string words = quoted_names(names);
  return fmt::format(
      R"(for n in{}; do echo "== $n"; {} -s hosts:files hosts "$n"; echo "== rc $?"; done)", words,
      getent);
}

std::string name_resolution_script(const std::vector<std::string>& names, double warning_ms,
                                   double lookup_timeout_ms,
                                   const std::vector<std::string>& program) {
  const std::string getent = quoted_program(program, "getent");
  const std::string words = quoted_names(names);
  const double seconds = std::max(lookup_timeout_ms, 1.0) / 1000.0;
  // l NAME SOURCE [OPTIONS]: one timed lookup, one line; the address is
  // what the first line of getent starts with. A name's lines are written
  // by one printf, so parallel names never interleave within a line. bash's
  // $EPOCHREALTIME reads the clock without starting a process: only
  // timeout and getent are inside the timed region.
  const std::string script = fmt::format(
      R"sh(l() {{ s=$EPOCHREALTIME; a=$(timeout -k 1 {:.3f} {} $3 ahosts "$1" 2>/dev/null); r=$?; )sh"
      R"sh(e=$EPOCHREALTIME; a=${{a%%[!0-9A-Fa-f.:]*}}; s=${{s//[.,]/}}; e=${{e//[.,]/}}; )sh"
      R"sh(echo "resolve $1 $2 $((e-s)) $r $a"; }}; )sh"
      R"sh(echo "nsswitch $(grep -m1 '^hosts:' /etc/nsswitch.conf 2>/dev/null)"; )sh"
      R"sh(for n in{}; do (o=$(l "$n" nss); f=$(l "$n" files '-s hosts:files'); set -- $o; )sh"
      R"sh(if [ "$5" != 0 ] || [ "$4" -ge {} ]; then f="$f)sh"
      "\n"
      R"sh($(l "$n" dns '-s hosts:dns')"; fi; printf '%s\n%s\n' "$o" "$f") & done; wait)sh",
      seconds, getent, words, static_cast<long long>(warning_ms * 1000));
  return "bash -c " + shell_quote(script);
}

Argv fleet_list_units_argv() {
  return {"fleetctl", "list-units", "--fields", "unit,machine,active,sub", "--no-legend", "--full"};
}

Argv curl_get_argv(std::string_view url, double max_seconds) {
  // --fail: an HTTP error is an exit status (22) with the code on stderr,
  // never an error page handed to the JSON parser as if it were the answer.
  return {"curl",          "--silent",
          "--show-error",  "--fail",
          "--max-time",    fmt::format("{:.1f}", max_seconds > 0.1 ? max_seconds : 0.1),
          "--header",      "Accept: application/json",
          std::string(url)};
}

}  // namespace greenlight::checks
