// The site's sections other than hosts, groups and checks (site_sections.h).
#include "site_sections.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace greenlight::config {

namespace detail {

void read_ssh(const Value* ssh, Site& site, Diagnostics& diagnostics) {
  if (ssh == nullptr) return;
  MapReader reader(*ssh, diagnostics, "ssh", "ssh");
  auto& s = site.ssh;
  s.user = reader.string("user").value_or(s.user);
  s.port = static_cast<int>(reader.integer("port", false, 1, 65535).value_or(s.port));
  s.identity_files = reader.strings("identity_files").value_or(s.identity_files);
  s.known_hosts = reader.string("known_hosts").value_or(s.known_hosts);
  s.accept_new_host_keys =
      reader.choice("host_key_policy", {"strict", "accept-new"}).value_or("strict") == "accept-new";
  s.connect_timeout = reader.positive_duration("connect_timeout").value_or(s.connect_timeout);
  s.command_timeout = reader.positive_duration("command_timeout").value_or(s.command_timeout);
  s.fanout = static_cast<int>(reader.integer("fanout", false, 1, 4096).value_or(s.fanout));
  reader.finish();
}

void read_exporter(const Value* exporter, Site& site, Diagnostics& diagnostics) {
  if (exporter == nullptr) return;
  MapReader reader(*exporter, diagnostics, "exporter", "exporter");
  auto& e = site.exporter;
  e.mark = exporter->mark;
  if (auto listen = reader.string("listen")) {
    if (const auto why = listen_address_error(*listen)) {
      diagnostics.error(exporter->find("listen")->mark, fmt::format("exporter: listen: {}", *why),
                        "e.g. 127.0.0.1:9877 or 0.0.0.0:9877");
    } else {
      e.listen = *listen;
    }
  }
  // Files serve reads at start: missing ones are errors now, not at start.
  auto file = [&](const char* key) {
    auto path = reader.string(key);
    if (!path) return std::string();
    // Relative to the configuration file, as serve reads it.
    std::filesystem::path full = *path;
    if (full.is_relative()) full = site.file.parent_path() / full;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec) || ::access(full.c_str(), R_OK) != 0) {
      diagnostics.error(exporter->find(key)->mark,
                        fmt::format("exporter: {}: {} is not a readable file", key, *path));
    }
    return full.string();
  };
  e.tls_certificate = file("tls_certificate");
  e.tls_key = file("tls_key");
  e.basic_auth_file = file("basic_auth_file");
  e.bearer_token_file = file("bearer_token_file");
  reader.finish();
  if (e.tls_certificate.empty() != e.tls_key.empty()) {
    diagnostics.error(exporter->mark, "exporter: tls_certificate and tls_key go together");
  }
}

void read_runbooks(const Value* runbooks, Site& site, Diagnostics& diagnostics) {
  if (runbooks == nullptr) return;
  MapReader reader(*runbooks, diagnostics, "runbooks", "runbooks");
  for (const auto& directory : reader.strings("directory").value_or(std::vector<std::string>{})) {
    std::filesystem::path path = directory;
    if (path.is_relative()) path = site.file.parent_path() / path;
    site.runbook_directories.push_back(path);
  }
  if (auto runs = reader.string("runs")) {
    std::filesystem::path path = *runs;
    if (path.is_relative()) path = site.file.parent_path() / path;
    site.runs_directory = path;
  }
  if (const Value* control = reader.get("control")) {
    if (auto text = read_string(*control, diagnostics, "runbooks: control")) {
      std::filesystem::path path = *text;
      if (path.is_relative()) path = site.file.parent_path() / path;
      // sockaddr_un's sun_path holds 108 bytes, the terminating NUL included.
      if (path.string().size() > 107) {
        diagnostics.error(control->mark,
                          fmt::format("runbooks: control: the socket path {} is {} bytes long; a "
                                      "Unix socket path is at most 107",
                                      path.string(), path.string().size()));
      } else if (text->empty() || text->back() == '/') {
        diagnostics.error(control->mark, "runbooks: control: expected the socket's file path");
      } else {
        site.control_socket = path;
      }
    }
  }
  if (auto group = reader.string("control_group")) {
    const bool valid = !group->empty() && group->find_first_of(" :/\t\n") == std::string::npos;
    if (valid) {
      site.control_group = *group;
    } else {
      diagnostics.error(reader.get("control_group")->mark,
                        fmt::format("runbooks: control_group: '{}' is not a group name", *group));
    }
  }
  if (const Value* inline_books = reader.get("inline")) {
    if (inline_books->is_mapping()) {
      for (const auto& [book_name, book] : inline_books->entries)
        site.runbooks.emplace_back(book_name.scalar, book);
    } else {
      diagnostics.error(inline_books->mark,
                        "runbooks: inline: expected a mapping of runbook names to runbooks");
    }
  }
  reader.finish();
}

namespace {

// How `command` (a power command) writes a BMC password on its command
// line, in words ("ipmitool's -P"); nullopt when it does not.
std::optional<std::string> password_in_command(std::string command) {
  // One line: a wrapped command reads as the shell joins it.
  for (auto& c : command) {
    if (c == '\n' || c == '\\' || c == '\r') c = ' ';
  }
  // A program starts after a blank, an operator, a quote or a path.
  static const std::string start = R"((^|[\s;|&(`'"])(\S*/)?)";
  static const std::regex ipmitool(start + R"(ipmitool\s(.*\s)?-[A-Za-z]*P)");
  static const std::regex freeipmi(
      start + R"((ipmipower|ipmiconsole|ipmi-[a-z-]+|bmc-[a-z-]+)\s(.*\s)?-[A-Za-z]*p)");
  static const std::regex long_option(R"((^|\s)--password(=|\s|$))");
  static const std::regex environment(R"((^|[\s;&|(`'"])IPMI_PASSWORD=)");
  if (std::regex_search(command, environment)) return "IPMI_PASSWORD= written in the command";
  if (std::regex_search(command, long_option)) return "--password";
  if (std::regex_search(command, ipmitool)) return "ipmitool's -P";
  if (std::regex_search(command, freeipmi)) return "FreeIPMI's -p";
  return std::nullopt;
}

}  // namespace

void read_power(const Value* power, Site& site, Diagnostics& diagnostics) {
  if (power == nullptr) return;
  MapReader reader(*power, diagnostics, "power", "power");
  site.power.mark = power->mark;
  site.power.command = reader.string("command", true).value_or("");
  site.power.timeout = reader.positive_duration("timeout").value_or(site.power.timeout);
  if (const Value* command = power->find("command"); command != nullptr && command->is_scalar() &&
      command->scalar.find_first_not_of(" \t\n") == std::string::npos) {
    diagnostics.error(command->mark, "power: command: is empty",
                      "e.g. ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power {action}");
  } else if (!site.power.command.empty() &&
             site.power.command.find("{action}") == std::string::npos) {
    diagnostics.error(power->find("command")->mark,
                      "power: command: needs the {action} placeholder (on, off, status, cycle)",
                      "e.g. ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power {action}");
  }
  // A password on a command line is readable by every user (ps, /proc) and
  // kept by the journal and the plan. Refused, wherever the command wraps
  // (a backslash and a newline, a `|` block) or quotes (sh -c '...'):
  // ipmitool's -P, by any path and bundled with other flags (-EP, -vP);
  // FreeIPMI's -p (ipmi-power, ipmipower, ipmi-chassis, ...); --password
  // of any program; IPMI_PASSWORD set in the command itself. A guard
  // against a mistake, not against a command written to hide one.
  if (const auto why = password_in_command(site.power.command)) {
    diagnostics.error(power->find("command")->mark,
                      fmt::format("power: command: {} puts the BMC password on the command line, "
                                  "where ps shows it to every user and the journal keeps it",
                                  *why),
                      "use -E (the password from IPMI_PASSWORD in greenlight's environment) or "
                      "-f FILE (a file only greenlight's user can read)");
  }
  reader.finish();
}

void read_notify(const Value* notify, Site& site, Diagnostics& diagnostics) {
  if (notify == nullptr) return;
  MapReader reader(*notify, diagnostics, "notify", "notify");
  NotifySettings& n = site.notify;
  n.mark = notify->mark;
  n.command = reader.string("command", true).value_or("");
  if (const Value* command = notify->find("command");
      command != nullptr && command->is_scalar() &&
      command->scalar.find_first_not_of(" \t") == std::string::npos) {
    diagnostics.error(command->mark, "notify: command: is empty",
                      "e.g. curl -fsS -m 5 --data-urlencode \"run=$GREENLIGHT_RUN\" URL");
  }
  n.timeout = reader.positive_duration("timeout").value_or(n.timeout);
  if (const Value* events = reader.get("events"); events != nullptr) {
    if (!events->is_sequence() || events->items.empty()) {
      diagnostics.error(events->mark, "notify: events: must be a list of events",
                        "one or more of paused, failed, finished, aborted");
    } else {
      n.events.clear();
      for (const auto& item : events->items) {
        const auto& known = notify_events();
        if (!item.is_scalar() ||
            std::find(known.begin(), known.end(), item.scalar) == known.end()) {
          diagnostics.error(item.mark,
                            fmt::format("notify: events: unknown event '{}'",
                                        item.is_scalar() ? item.scalar : "(not a word)"),
                            "one of paused, failed, finished, aborted, asking");
          continue;
        }
        if (std::find(n.events.begin(), n.events.end(), item.scalar) == n.events.end())
          n.events.push_back(item.scalar);
      }
    }
  }
  n.status_url = reader.string("status_url").value_or("");
  if (!n.status_url.empty() && n.status_url.rfind("http://", 0) != 0 &&
      n.status_url.rfind("https://", 0) != 0) {
    diagnostics.error(notify->find("status_url")->mark,
                      "notify: status_url: must start with http:// or https://",
                      "e.g. https://greenlight.example.org/");
  }
  reader.finish();
}

void read_log(const Value* log, Site& site, Diagnostics& diagnostics) {
  if (log == nullptr) return;
  MapReader reader(*log, diagnostics, "log", "log");
  site.log_level =
      reader.choice("level", {"debug", "info", "warning", "error"}).value_or(site.log_level);
  reader.finish();
}

}  // namespace detail

const std::vector<std::string>& notify_events() {
  static const std::vector<std::string> events = {"paused", "failed", "finished", "aborted",
                                                   "asking"};
  return events;
}

}  // namespace greenlight::config
