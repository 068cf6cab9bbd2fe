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

Argv fping_argv(const std::vector<std::string>& targets, int count, int timeout_ms,
                int period_ms) {
  Argv argv{"fping", "-C", std::to_string(count > 0 ? count : 1), "-q"};
  if (timeout_ms > 0) {
    argv.emplace_back("-t");
    argv.push_back(std::to_string(timeout_ms));
  }
  if (period_ms > 0) {
    argv.emplace_back("-p");
    argv.push_back(std::to_string(period_ms));
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
  const long long warning_us = static_cast<long long>(warning_ms * 1000);
  const long long budget_us = static_cast<long long>(std::max(lookup_timeout_ms, 1.0) * 1000);
  // l NAME SOURCE SECONDS [OPTIONS]: one timed lookup, one line; the
  // address is what the first line of getent starts with. A line is
  // written by one echo, so parallel lookups never interleave within a
  // line. bash's $EPOCHREALTIME reads the clock without starting a process:
  // only timeout and getent are inside the timed region.
  // q SOURCE OPTIONS NAME...: the names one at a time while each is fast
  // and the pass has lasted less than the lookup timeout, then the rest at
  // once. Lookups started together queue for the host's CPUs and time that
  // queue; one at a time they time the resolver. A slow resolver makes the
  // rest go at once, so that names x timeouts never add up.
  // 1. every name through the whole NSS path (q);
  // 2. each name found but slow, timed again (twice at most), one at a
  //    time, 200 ms apart (a burst of work on the host passes), while the
  //    retries fit in the lookup timeout, each retry cut at the best time
  //    so far: its line carries the fastest. A resolver timeout is slow every time,
  //    a lookup that waited for a CPU behind other work is not;
  // 3. every name through files (q), the names still slow or not resolved
  //    through dns, those at once.
  const std::string script = fmt::format(
      R"sh(set -f; l() {{ s=$EPOCHREALTIME; a=$(timeout -k 1 $3 {getent} $4 ahosts "$1" 2>/dev/null); r=$?; )sh"
      R"sh(e=$EPOCHREALTIME; a=${{a%%[!0-9A-Fa-f.:]*}}; s=${{s//[.,]/}}; e=${{e//[.,]/}}; )sh"
      R"sh(echo "resolve $1 $2 $((e-s)) $r $a"; }}; )sh"
      R"sh(q() {{ local c=$1 o=$2 b=${{EPOCHREALTIME//[.,]/}} x i=0; shift 2; local m=("$@"); )sh"
      R"sh(while [ $i -lt ${{#m[@]}} ] && [ $((${{EPOCHREALTIME//[.,]/}}-b)) -lt {budget} ]; do )sh"
      R"sh(x=$(l "${{m[i]}}" $c {seconds:.3f} "$o"); echo "$x"; i=$((i+1)); x=($x); )sh"
      R"sh([ "${{x[4]}}" = 0 ] && [ "${{x[3]}}" -lt {warning} ] || break; done; )sh"
      R"sh(for n in "${{m[@]:i}}"; do l "$n" $c {seconds:.3f} "$o" & done; wait; }}; )sh"
      R"sh(echo "nsswitch $(grep -m1 '^hosts:' /etc/nsswitch.conf 2>/dev/null)"; )sh"
      R"sh(p=$(q nss ''{words}); b=${{EPOCHREALTIME//[.,]/}}; S=(); )sh"
      R"sh(while read -r _ n _ u r a; do [ -n "$n" ] || continue; o="resolve $n nss $u $r $a"; )sh"
      R"sh(for k in 1 2; do e=${{EPOCHREALTIME//[.,]/}}; [ "$r" = 0 ] && [ "$u" -ge {warning} ] && )sh"
      R"sh([ $((e-b+u+200000)) -le {budget} ] || break; printf -v t %d.%06d $((u/1000000)) $((u%1000000)); )sh"
      R"sh(sleep 0.2; x=$(l "$n" nss $t); set -- $x; if [ "$5" = 0 ] && [ "$4" -lt "$u" ] && [ -n "$6" ]; )sh"
      R"sh(then o=$x; u=$4; fi; done; echo "$o"; if [ "$r" != 0 ] || [ "$u" -ge {warning} ]; )sh"
      R"sh(then S+=("$n"); fi; done <<<"$p"; q files '-s hosts:files'{words}; )sh"
      R"sh(for n in "${{S[@]}}"; do l "$n" dns {seconds:.3f} '-s hosts:dns' & done; wait)sh",
      fmt::arg("getent", getent), fmt::arg("words", words), fmt::arg("seconds", seconds),
      fmt::arg("warning", warning_us), fmt::arg("budget", budget_us));
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
