// kind name_resolution. On every host of `on` (the check's host by default),
// one script times how long each name of `names` takes to resolve through
// the system's NSS path and through its files and dns sources, on the host
// itself (over SSH for the others, no SSH latency in the figures), all names
// at once; the verdict names the slow names, the host and the slow source.
#include <fmt/format.h>

#include <algorithm>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/name_resolution.h"
#include "kinds.h"

namespace greenlight::checks::detail {
namespace {

class NameResolutionCheck : public Check {
 public:
  NameResolutionCheck(const config::CheckSpec& spec, const config::Site& site,
                      config::MapReader& reader, const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    names_ = expand(reader, "names", site, groups, true);
    auto on = on_hosts(reader, spec, site, groups);
    hosts_ = std::move(on.hosts);
    placements_ = std::move(on.placements);
    auto ms = [&](const char* key, double fallback) {
      const auto value = reader.positive_duration(key);
      return value ? static_cast<double>(value->count()) : fallback;
    };
    limits_.warning_ms = ms("warning", limits_.warning_ms);
    limits_.critical_ms = ms("critical", limits_.critical_ms);
    // The script's three passes (every name at once, the slow ones again
    // within lookup_timeout, files and dns at once) each last at most
    // lookup_timeout: the three must fit in the check's deadline with room
    // for SSH.
    const double room = static_cast<double>(spec.timeout.count()) * 0.3;
    limits_.lookup_timeout_ms = ms("lookup_timeout", std::min(5000.0, room));
    const auto mark = [&](const char* key) {
      const config::Value* where = reader.value().find(key);
      return where != nullptr ? where->mark : spec.mark;
    };
    if (limits_.critical_ms < limits_.warning_ms) {
      reader.diagnostics().error(mark("critical"), "critical: must not be less than warning");
    }
    if (limits_.lookup_timeout_ms > room) {
      reader.diagnostics().error(
          mark("lookup_timeout"),
          fmt::format("lookup_timeout: at most 30 % of the check's timeout ({} ms here): the "
                      "lookups run in three passes of at most lookup_timeout each",
                      static_cast<long long>(room)));
    }
  }

  std::vector<Command> commands() const override {
    std::vector<Command> out;
    const auto script =
        name_resolution_script(names_, limits_.warning_ms, limits_.lookup_timeout_ms, program_);
    for (std::size_t i = 0; i < hosts_.size(); ++i) out.push_back(Command::shell(script));
    return out;
  }
  std::vector<std::optional<Endpoint>> placements() const override { return placements_; }
  bool concurrent() const override { return true; }

  CheckResult judge(const std::vector<RunResult>& results) const override {
    std::vector<HostNameResolution> hosts;
    for (std::size_t i = 0; i < hosts_.size(); ++i)
      hosts.push_back(answers(hosts_[i], results.at(i)));
    return name_resolution_verdict(names_, hosts, limits_);
  }

 private:
  // The script ends with `wait` (exit 0): a host that could not be asked,
  // a script that did not finish, or lines in another shape are an error
  // for that host.
  static HostNameResolution answers(const std::string& host, const RunResult& run) {
    HostNameResolution out{host, {}, {}};
    if (run.status != RunStatus::kOk && run.status != RunStatus::kExit) {
      out.error = fmt::format("{} ({})", run.reason, to_string(run.status));
      return out;
    }
    auto parsed = parse_name_resolution(run.out);
    if (!parsed) {
      out.error = parsed.error().reason;
    } else if (parsed->lookups.empty() && run.exit_code != 0) {
      const std::string why = run.err.empty() ? run.out : run.err;
      out.error = fmt::format("exit {}: {}", run.exit_code, why.substr(0, why.find('\n')));
    } else {
      out.report = std::move(*parsed);
    }
    return out;
  }

  std::vector<std::string> program_;
  std::vector<std::string> names_;
  std::vector<std::string> hosts_;
  std::vector<std::optional<Endpoint>> placements_;
  NameResolutionLimits limits_;
};

}  // namespace

std::unique_ptr<Check> make_name_resolution_check(const config::CheckSpec& spec,
                                                  const config::Site& site,
                                                  config::MapReader& reader,
                                                  const GroupResolver& groups) {
  return std::make_unique<NameResolutionCheck>(spec, site, reader, groups);
}

}  // namespace greenlight::checks::detail
