#include "greenlight/checks/fleet.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "findings.h"
#include "listing.h"
#include "text.h"

namespace greenlight::checks {

namespace {

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

}  // namespace

Parsed<std::vector<FleetUnit>> parse_fleet_units(std::string_view output,
                                                 const std::vector<std::string>& fields) {
  static const std::vector<std::string> kKnown{"unit", "machine", "active", "sub", "load", "hash"};
  if (std::find(fields.begin(), fields.end(), "unit") == fields.end()) {
    return ParseError{"fleetctl list-units: the field list must contain \"unit\""};
  }
  std::string legend;
  for (const auto& f : fields) {
    if (std::find(kKnown.begin(), kKnown.end(), f) == kKnown.end()) {
      return ParseError{"fleetctl list-units: unknown field \"" + f + "\""};
    }
    if (!legend.empty()) legend += ' ';
    for (const char c : f) legend += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::vector<FleetUnit> units;
  std::size_t line_no = 0;
  while (!output.empty()) {
    const auto nl = output.find('\n');
    std::string_view line = output.substr(0, nl);
    output.remove_prefix(nl == std::string_view::npos ? output.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (detail::trim(line).empty()) continue;
    const std::string where = "fleetctl list-units: line " + std::to_string(line_no);
    if (!printable(line)) return ParseError{where + ": control characters in the line"};
    const auto columns = detail::split_blank(line);
    std::string joined;
    for (const auto c : columns) {
      if (!joined.empty()) joined += ' ';
      joined += c;
    }
    if (joined == legend) continue;
    if (columns.size() != fields.size()) {
      return ParseError{where + ": " + std::to_string(columns.size()) + " columns, expected " +
                        std::to_string(fields.size()) + " (" + std::string(line.substr(0, 80)) +
                        ")"};
    }
    FleetUnit u;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string value(columns[i]);
      if (fields[i] == "unit")
        u.unit = value;
      else if (fields[i] == "machine")
        u.machine = value;
      else if (fields[i] == "active")
        u.active = value;
      else if (fields[i] == "sub")
        u.sub = value;
      else if (fields[i] == "load")
        u.load = value;
    }
    if (u.unit == "-") return ParseError{where + ": unit name is \"-\""};
    units.push_back(std::move(u));
  }
  return units;
}

const std::vector<std::string>& fleet_vm_groups() {
  static const std::vector<std::string> kGroups{
      "running",   "dead",          "failed",        "exited",     "auto-restart", "start-pre",
      "start",     "start-post",    "reload",        "stop",       "stop-sigterm", "stop-sigkill",
      "stop-post", "final-sigterm", "final-sigkill", "unscheduled"};
  return kGroups;
}

std::string unit_name(std::string_view format, std::string_view vm) {
  const auto at = format.find("%s");
  if (at == std::string_view::npos || format.find("%s", at + 2) != std::string_view::npos) {
    return {};
  }
  return std::string(format.substr(0, at)) + std::string(vm) + std::string(format.substr(at + 2));
}

std::string vm_name(std::string_view format, std::string_view unit) {
  const auto at = format.find("%s");
  if (at == std::string_view::npos) return {};
  const std::string_view prefix = format.substr(0, at);
  const std::string_view suffix = format.substr(at + 2);
  if (unit.size() <= prefix.size() + suffix.size()) return {};
  if (unit.substr(0, prefix.size()) != prefix) return {};
  if (unit.substr(unit.size() - suffix.size()) != suffix) return {};
  return std::string(unit.substr(prefix.size(), unit.size() - prefix.size() - suffix.size()));
}

namespace {

// The unit's ActiveState; with `--fields unit,sub` only the sub-state is
// known, and it says which ActiveState it belongs to.
std::string active_state(const FleetUnit& u) {
  if (!u.active.empty() && u.active != "-") return u.active;
  if (u.sub == "running" || u.sub == "exited") return "active";
  if (u.sub == "dead") return "inactive";
  if (u.sub == "failed") return "failed";
  if (u.sub.rfind("start", 0) == 0) return "activating";
  if (u.sub.rfind("stop", 0) == 0) return "deactivating";
  return "unscheduled";
}

// One series per state, like node_systemd_unit_state: 1 for the unit's
// state, 0 for the others. A unit fleet does not list is "unlisted".
void add_state_samples(CheckResult& r, const std::string& unit, const std::string& state) {
  static const char* const kStates[] = {"active",   "activating",  "deactivating", "failed",
                                        "inactive", "unscheduled", "unlisted"};
  bool known = false;
  for (const char* s : kStates) {
    known = known || state == s;
    r.add_sample("greenlight_fleet_unit_state", {{"unit", unit}, {"state", s}}, state == s ? 1 : 0);
  }
  if (!known) r.add_sample("greenlight_fleet_unit_state", {{"unit", unit}, {"state", state}}, 1);
}

}  // namespace

std::map<std::string, std::string, std::less<>> machine_hosts(const config::Site& site) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& host : site.hosts) {
    if (!host.address.empty()) out.emplace(host.address, host.name);
    out.emplace(host.name, host.name);
  }
  return out;
}

std::string host_of_machine(std::string_view machine,
                            const std::map<std::string, std::string, std::less<>>& hosts) {
  if (machine.empty() || machine == "-") return {};
  const auto slash = machine.rfind('/');
  const std::string_view where =
      slash == std::string_view::npos ? machine : machine.substr(slash + 1);
  if (where.empty()) return {};
  const auto it = hosts.find(where);
  return it == hosts.end() ? std::string() : it->second;
}

CheckResult fleet_units_verdict(const std::vector<FleetUnit>& units, const FleetExpectation& expect,
                                int exit_status) {
  CheckResult r;
  if (unit_name(expect.unit_format, "x").empty()) {
    return unknown_result("fleet unit format \"" + expect.unit_format +
                          "\" must contain \"%s\" exactly once");
  }
  if (exit_status != 0) {
    return unknown_result(
        fmt::format("fleetctl list-units failed with exit status {}", exit_status));
  }
  // One unit can have several rows (one per machine for a global unit).
  std::map<std::string, std::vector<const FleetUnit*>> rows;
  for (const auto& u : units) {
    rows[u.unit].push_back(&u);
    r.add_fact("unit", u.unit, u.active + "/" + u.sub);
    const std::string vm = vm_name(expect.unit_format, u.unit);
    // fleet prints "-" for a unit no machine runs: a group needs a name.
    if (!vm.empty()) r.add_fact("vm", vm, u.sub == "-" || u.sub.empty() ? "unscheduled" : u.sub);
    if (!vm.empty()) r.add_fact("vm_machine", vm, u.machine.empty() ? "-" : u.machine);
  }
  // What keeps the check red, for a gate's remedy: the VM and its sub-state.
  auto keeps_red = [&r, &expect](const FleetUnit* u) {
    const std::string vm = vm_name(expect.unit_format, u->unit);
    if (!vm.empty())
      r.add_fact("vm_red", vm, u->sub.empty() || u->sub == "-" ? "unscheduled" : u->sub);
  };
  // With `--fields unit,sub` (the procedure's own command) there is no
  // active state: the sub-state alone decides.
  auto running = [](const FleetUnit* u) {
    return u->sub == "running" && (u->active.empty() || u->active == "active");
  };
  auto stopped = [](const FleetUnit* u) {
    if (u->active.empty()) return u->sub == "dead" || u->sub == "failed";
    return u->active == "inactive" || u->active == "failed";
  };
  for (const auto& [unit, list] : rows) {
    r.add_sample("greenlight_fleet_unit_running", {{"unit", unit}},
                 std::all_of(list.begin(), list.end(), running) ? 1 : 0);
    add_state_samples(r, unit, active_state(*list.front()));
  }
  // Evidence rule: a VM counts as in the expected state only from a row of
  // the listing; an expected unit fleet does not list is named, and is not
  // counted as stopped (fleetctl stop leaves the unit listed, inactive/dead).
  std::vector<std::string> wrong, unlisted, others;
  std::size_t failed = 0;
  auto where = [&expect](const FleetUnit* u) {
    const std::string state = u->active.empty() ? u->sub : u->active + "/" + u->sub;
    if (u->machine.empty() || u->machine == "-") return state;
    const std::string host = host_of_machine(u->machine, expect.hosts);
    return host.empty() ? fmt::format("{} on {}", state, u->machine)
                        : fmt::format("{} on {} ({})", state, host, u->machine);
  };
  std::set<std::string, std::less<>> expected_units;
  for (const auto& vm : expect.vms) {
    const std::string unit = unit_name(expect.unit_format, vm);
    expected_units.insert(unit);
    const auto it = rows.find(unit);
    if (it == rows.end()) {
      r.add_sample("greenlight_fleet_unit_running", {{"unit", unit}}, 0);
      add_state_samples(r, unit, "unlisted");
      if (expect.expect == UnitExpectation::running) wrong.push_back(unit + " (not listed)");
      if (expect.expect == UnitExpectation::stopped) unlisted.push_back(unit);
      continue;
    }
    for (const FleetUnit* u : it->second) {
      const bool good = expect.expect == UnitExpectation::running   ? running(u)
                        : expect.expect == UnitExpectation::stopped ? stopped(u)
                                                                    : true;
      if (u->active == "failed" || (u->active.empty() && u->sub == "failed")) ++failed;
      if (!good) {
        wrong.push_back(fmt::format("{} ({})", unit, where(u)));
        keeps_red(u);
        break;
      }
    }
  }
  std::size_t with_prefix = 0;  // units the listing names with no_other_active's prefix
  if (!expect.no_other_active.empty()) {
    std::set<std::string, std::less<>> allowed;
    for (const auto& vm : expect.active_allowed) allowed.insert(unit_name(expect.unit_format, vm));
    for (const auto& [unit, list] : rows) {
      if (unit.rfind(expect.no_other_active, 0) != 0) continue;
      ++with_prefix;
      if (allowed.count(unit) || expected_units.count(unit)) continue;
      for (const FleetUnit* u : list) {
        if (!stopped(u)) {
          others.push_back(fmt::format("{} ({})", unit, where(u)));
          keeps_red(u);
          break;
        }
      }
    }
  }
  const char* want = expect.expect == UnitExpectation::running ? "running" : "stopped";
  detail::Findings findings;
  if (expect.expect != UnitExpectation::any && expect.vms.empty() &&
      expect.no_other_active.empty()) {
    findings.add(Status::unknown, fmt::format("no unit expected {}: nothing to verify", want));
  }
  // Stopped units stay listed (inactive/dead): a listing without a single
  // unit of the prefix (a mistyped prefix, another unit naming) cannot show
  // that no other one is active.
  if (!expect.no_other_active.empty() && !units.empty() && with_prefix == 0) {
    findings.add(Status::unknown,
                 fmt::format("fleetctl list-units listed no unit named {}*: cannot tell that no "
                             "other one is active",
                             expect.no_other_active));
  }
  // Fleet forgetting every unit (etcd lost its state) is not "nothing runs":
  // an empty listing where units are expected proves nothing, and a group
  // source fed by it has no answer rather than empty groups.
  if (units.empty() && (!expect.vms.empty() || !expect.no_other_active.empty())) {
    findings.add(Status::unknown,
                 fmt::format("fleetctl list-units listed no unit where {} were expected{}{}",
                             detail::count_of(expect.vms.size(), "unit", "units"),
                             expect.expect == UnitExpectation::any ? "" : " ",
                             expect.expect == UnitExpectation::any ? "" : want));
  } else {
    if (!wrong.empty()) {
      findings.add(Status::critical,
                   fmt::format("{} of {} units not {}: {}", wrong.size(), expect.vms.size(), want,
                               detail::join_names(wrong)));
    }
    if (!unlisted.empty()) {
      findings.add(Status::unknown, fmt::format("{} not listed by fleet, so not known stopped: {}",
                                                detail::count_of(unlisted.size(), "unit", "units"),
                                                detail::join_names(unlisted)));
    }
    if (!others.empty()) {
      findings.add(Status::critical,
                   fmt::format("{} {}* not expected and not stopped: {}",
                               detail::count_of(others.size(), "unit", "units"),
                               expect.no_other_active, detail::join_names(others)));
    }
  }
  std::string ok;
  if (expect.expect == UnitExpectation::any) {
    ok = fmt::format("{} units listed", units.size());
  } else {
    ok = expect.vms.empty()
             ? fmt::format("no {}* unit active ({} listed)", expect.no_other_active, units.size())
             : fmt::format("all {} units {}", expect.vms.size(), want);
    if (!expect.vms.empty() && !expect.no_other_active.empty()) {
      ok += fmt::format(", no other {}* unit active", expect.no_other_active);
    }
    if (expect.expect == UnitExpectation::stopped && failed > 0) {
      ok += fmt::format(" ({} failed)", failed);
    }
  }
  r.status = findings.status();
  r.message = findings.message(ok);
  return r;
}

}  // namespace greenlight::checks
