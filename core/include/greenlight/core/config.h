// The site configuration: hosts, groups, SSH defaults, the exporter, checks
// and runbooks, validated with every error reported at once.
//
//   site: ocean
//   include: [checks.yaml]
//   hosts:
//     top[1-3]: {address: "10.1.0.[1-3]", bmc: "10.2.0.[1-3]"}
//     top1: {self: true}
//   groups:
//     top: "top[1-3]"
//   ssh: {user: root, known_hosts: /etc/greenlight/known_hosts}
//   exporter: {listen: "0.0.0.0:9877"}
//   checks:
//     heal: {kind: gluster_heal, host: top1, interval: 30s, volumes: [volspoms1]}
//   runbooks: {directory: runbooks}
//
// docs/config.md is the reference.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/core/config_value.h"
#include "greenlight/core/group_source.h"

namespace greenlight::config {

using std::chrono::milliseconds;

struct Host {
  std::string name;
  std::string address;  ///< IP address or name, never resolved while validating
  int port = 0;         ///< 0: the ssh default
  std::string user;     ///< empty: the ssh default
  std::string bmc;      ///< BMC address for power steps; may be empty
  bool self = false;    ///< the host greenlight runs on: commands run locally
  Mark mark;
};

struct SshSettings {
  std::string user = "root";
  int port = 22;
  std::vector<std::string> identity_files;
  std::string known_hosts = "/etc/greenlight/known_hosts";
  bool accept_new_host_keys = false;  ///< host_key_policy: accept-new
  milliseconds connect_timeout{10'000};
  milliseconds command_timeout{60'000};
  int fanout = 64;
};

/// The site's `exporter:`. Its files are paths resolved against the
/// configuration file's folder (as written when absolute); empty when unset.
struct ExporterSettings {
  std::string listen = "127.0.0.1:9877";
  std::string tls_certificate;
  std::string tls_key;
  std::string basic_auth_file;
  std::string bearer_token_file;
  Mark mark;  ///< where `exporter:` is written; empty when the site has none
};

/// How `power` steps reach the nodes' BMCs: a shell command with `{node}`,
/// `{bmc}` and `{action}` placeholders (each substituted word shell-quoted),
/// run on greenlight's own host, e.g.
/// `ipmitool -I lanplus -H {bmc} -U admin -E -C 3 chassis power {action}`
/// or `nodectrl power{action} {node}`.
struct PowerSettings {
  std::string command;  ///< empty: power steps cannot run
  milliseconds timeout{30'000};
  Mark mark;
};

/// `notify:` a shell command run on greenlight's own host when a run pauses,
/// a step fails or a gate times out, and when a run finishes or is aborted:
/// the run's facts are in its environment (GREENLIGHT_RUN, _EVENT, _PHASE,
/// ...), never in the command's text. Validated at load: a command that is
/// not empty, a timeout above 0, events among notify_events().
struct NotifySettings {
  std::string command;  ///< empty: no notification
  milliseconds timeout{10'000};
  /// The events that run the command, in notify_events()' words.
  std::vector<std::string> events{"paused", "failed", "finished", "aborted", "asking"};
  /// The status page as people reach it (GREENLIGHT_STATUS_URL); empty:
  /// http(s)://LISTEN/ from the exporter's `listen`.
  std::string status_url;
  Mark mark;
};

/// The events `notify: {events: [...]}` may name: "paused" (the run waits
/// for the operator), "failed" (a step failed or a gate timed out),
/// "finished", "aborted", "asking" (a question waits for its answer).
const std::vector<std::string>& notify_events();

struct CheckSpec {
  std::string name;
  std::string kind;
  std::string host;  ///< where the command runs; "self" by default
  milliseconds interval{30'000};
  milliseconds timeout{20'000};
  milliseconds jitter{0};
  std::vector<std::string> command;  ///< argv override; empty: the kind's default
  /// The secrets of greenlight's environment (secret_environment()) its
  /// commands get all the same (`pass_environment: [IPMI_PASSWORD]`), for a
  /// command check that runs ipmitool -E. Validated at load: each one of them.
  std::vector<std::string> pass_environment;
  Value parameters;  ///< the kind's own keys (a mapping), validated by the checks module
  Mark mark;
};

/// What the site reader asks about check kinds, which core does not know:
/// the checks module's registry answers (checks::kind_catalogue(),
/// checks/include/greenlight/checks/check_kind.h).
struct CheckKindCatalogue {
  /// Every kind `kind:` may name; any other is an error at its position.
  std::vector<std::string> names;
  /// The dynamic group source a check of that specification feeds with its
  /// results (fleet_units: its `group_source`, "vm" by default), or nullopt.
  /// May be empty: no kind feeds one.
  std::function<std::optional<std::string>(const CheckSpec&)> group_source;
};

/// The variables of greenlight's environment that are secrets: IPMI_PASSWORD
/// (the BMC password of ipmitool -E). A check's commands started on
/// greenlight's host do not get them, but those its `pass_environment`
/// names, and the `power` kind's, which runs the site's power command.
/// Power steps get them; notify commands never do.
const std::vector<std::string>& secret_environment();

struct Site {
  std::string name;
  std::filesystem::path file;
  /// The file could not be read as YAML at all (missing, unreadable, a
  /// syntax error): every setting below is its default, not the file's.
  bool unread = false;
  std::vector<Host> hosts;                    ///< in node set order
  std::map<std::string, std::string> groups;  ///< name -> node set string
  SshSettings ssh;
  ExporterSettings exporter;
  std::vector<CheckSpec> checks;
  std::vector<std::filesystem::path> runbook_directories;
  /// Where runs and their journals live (`runbooks: {runs: DIR}`).
  std::filesystem::path runs_directory = "/var/lib/greenlight/runs";
  /// The control socket of `greenlight serve` (`runbooks: {control: PATH}`).
  std::filesystem::path control_socket = "/run/greenlight/control.sock";
  /// A group whose members may use it too (`runbooks: {control_group: NAME}`):
  /// mode 0660 instead of 0600. Empty: root and serve's own user only.
  std::string control_group;
  PowerSettings power;
  NotifySettings notify;
  std::vector<std::pair<std::string, Value>> runbooks;  ///< inline runbooks by name
  /// `log: {level: ...}`: the lines greenlight serve logs, from this level
  /// up: "debug", "info", "warning" or "error" (serve's -v and -q win).
  std::string log_level = "info";

  const Host* host(std::string_view name) const;
  /// The host marked `self: true`, or null when none is.
  const Host* self_host() const;
  /// The one place "self" is resolved: the name of the self host, or
  /// "localhost" when the site marks none. Runbook node sets, check hosts,
  /// power steps and endpoints all ask this.
  std::string self_name() const;
  /// True when `wanted` designates greenlight's own host: "self", "localhost"
  /// or the self host's name.
  bool is_self(std::string_view wanted) const;
  /// The node set text with every item "self" (between ClusterShell's
  /// operators , ! & ^) replaced by self_name(): "@top!self" -> "@top!top1".
  std::string with_self_named(std::string_view nodes) const;
  /// The dynamic group sources the site's checks feed (`@vm:running`), in
  /// the order their checks come; set at load from the kinds' catalogue.
  std::vector<std::string> dynamic_sources;

  /// Group sources for node sets: the site's groups as the default source
  /// ("site"), plus empty placeholders for dynamic_sources.
  std::shared_ptr<GroupResolver> group_resolver() const;
};

/// Why `listen` ("ADDRESS:PORT") cannot be listened on, or nothing when it
/// can: ADDRESS must be an IPv4 address (never a name: names are not
/// resolved), PORT 0 to 65535 (0 picks a free port). IPv6 is refused with
/// its reason: Debian 12's CivetWeb is built without it.
std::optional<std::string> listen_address_error(std::string_view listen);

/// Loads and validates `path`, each check's kind against `kinds` (programs
/// call checks::load_site, which passes the checks module's registry).
/// Never throws for configuration errors: they are all in `diagnostics`,
/// and the Site holds what was valid.
Site load_site(const std::filesystem::path& path, Diagnostics& diagnostics,
               const CheckKindCatalogue& kinds);
/// The same from a value tree.
Site read_site(const Value& root, const std::filesystem::path& file, Diagnostics& diagnostics,
               const CheckKindCatalogue& kinds);

}  // namespace greenlight::config
