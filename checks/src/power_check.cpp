// kind power: the chassis power of nodes, read from their BMCs with the
// site's power command (action `status`), and a ping of their addresses as
// the second signal. Every command runs on the check's host (greenlight's
// own, by default), all at once: one BMC that does not answer holds up only
// its own reading.
#include <arpa/inet.h>
#include <fmt/format.h>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/fping.h"
#include "greenlight/checks/power.h"
#include "greenlight/core/log.h"
#include "greenlight/core/power.h"
#include "kinds.h"
#include "text.h"

namespace greenlight::checks::detail {
namespace {

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// The last non-blank line a failed command wrote (ipmitool says why there).
std::string last_line(const std::string& text) {
  std::string_view rest = trim(text);
  const auto newline = rest.rfind('\n');
  if (newline != std::string_view::npos) rest = rest.substr(newline + 1);
  return std::string(rest.substr(0, 200));
}

class PowerCheck : public Check {
 public:
  PowerCheck(const config::CheckSpec& spec, const config::Site& site, config::MapReader& reader,
             const GroupResolver& groups)
      : Check(spec.name, spec.host) {
    nodes_ = expand(reader, "nodes", site, groups, true);
    goal_ = reader.choice("expect", {"on", "off"}, true).value_or("off") == "on" ? PowerGoal::on
                                                                                 : PowerGoal::off;
    const bool ping = reader.boolean("ping").value_or(true);
    ping_count_ = static_cast<int>(reader.integer("ping_count", false, 1, 10).value_or(2));
    const config::Value* where = reader.value().find("nodes");
    const config::Mark mark = where != nullptr ? where->mark : spec.mark;
    if (site.power.command.empty() && !nodes_.empty()) {
      reader.diagnostics().error(mark, "kind power needs the site's power: {command: ...}");
      return;
    }
    for (const auto& node : nodes_) {
      try {
        status_commands_.push_back(power_command(site, node, "status"));
      } catch (const std::exception& error) {
        reader.diagnostics().error(mark, fmt::format("nodes: {}", error.what()));
      }
      if (!ping) {
        addresses_.emplace_back();
        continue;
      }
      // Pinged by address, never by name: the gates wait while DNS is down.
      const config::Host* host = site.host(node);
      const std::string address = host != nullptr ? host->address : std::string();
      if (!is_ip_address(address)) {
        reader.diagnostics().error(
            mark, fmt::format("nodes: {} has no IP address in the site (hosts: {}: address: ...), "
                              "needed to ping it without DNS (or ping: false)",
                              node, node));
      }
      addresses_.push_back(address);
    }
    ping_ = ping && !nodes_.empty();
  }

  std::vector<Command> commands() const override {
    std::vector<Command> out;
    for (const auto& text : status_commands_) out.push_back(Command::shell(text));
    // A silent address costs (count - 1) * 50 + 300 ms: 350 ms with the
    // default two pings, where fping's own period and timeout (1 s, 500 ms)
    // made it 1.5 s; it is what a reading of machines off lasts. A
    // management network answers within milliseconds; an answer later than
    // 300 ms counts as silence, which alone never makes a machine off (its
    // BMC must say so too).
    if (ping_) out.push_back(Command::program(fping_argv(addresses_, ping_count_, 300, 50)));
    return out;
  }
  bool concurrent() const override { return true; }
  // Local commands only (ipmitool to each BMC, one fping): a gate reads
  // the power again 20 ms after each reading. The first reading that can
  // see the last machine off (or answering) is the first to start after
  // it went so: a pause between readings only delays that start (on the
  // lab, 100 ms of pause put the gate's latency past a second). The 20 ms
  // bound the readings of a power command that cannot even start (each
  // over at once) to 50 a second.
  std::optional<std::chrono::milliseconds> gate_interval() const override {
    return std::chrono::milliseconds(20);
  }

  CheckResult judge(const std::vector<RunResult>& results) const override {
    if (log::enabled(log::Level::kDebug)) {  // where a reading's time goes
      std::string took;
      for (std::size_t i = 0; i < results.size(); ++i) {
        took += fmt::format("{}{} {} ms", took.empty() ? "" : ", ",
                            i < nodes_.size() ? "BMC of " + nodes_[i] : std::string("fping"),
                            results[i].duration.count());
      }
      log::debug("check {}: commands took {}", name(), took);
    }
    std::vector<NodePower> observed;
    std::optional<PingReport> report;
    std::string ping_error;
    if (ping_) {
      const RunResult& run = results.at(nodes_.size());
      if (auto failed = not_judgeable(run)) {
        ping_error = failed->message;
      } else if (run.exit_code > 2) {
        ping_error = fmt::format("fping exit {}: {}", run.exit_code, last_line(run.err));
      } else if (auto parsed = parse_fping(run.out + run.err)) {
        report = *parsed;
      } else {
        ping_error = "fping output: " + parsed.error().reason;
      }
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodePower node;
      node.node = nodes_[i];
      const RunResult& run = results.at(i);
      if (auto failed = not_judgeable(run)) {
        node.chassis_error = failed->message;
      } else if (run.exit_code != 0) {
        const std::string why = last_line(run.err.empty() ? run.out : run.err);
        node.chassis_error = fmt::format("exit {}{} ({})", run.exit_code,
                                         why.empty() ? "" : ": " + why, run.command);
      } else if (auto on = parse_chassis_power(run.out)) {
        node.chassis_on = *on;
      } else {
        node.chassis_error = on.error().reason;
      }
      if (ping_) {
        node.address = addresses_[i];
        node.ping_error = ping_error;
        if (report) {
          for (const auto& target : report->targets) {
            if (target.host == node.address) node.answers_ping = target.reachable();
          }
          if (!node.answers_ping) node.ping_error = "fping printed nothing for it";
        }
      }
      observed.push_back(std::move(node));
    }
    return power_state_verdict(observed, goal_);
  }

 private:
  std::vector<std::string> nodes_;
  std::vector<std::string> status_commands_;
  std::vector<std::string> addresses_;
  PowerGoal goal_ = PowerGoal::off;
  bool ping_ = true;
  int ping_count_ = 2;
};

}  // namespace

std::unique_ptr<Check> make_power_check(const config::CheckSpec& spec, const config::Site& site,
                                        config::MapReader& reader, const GroupResolver& groups) {
  return std::make_unique<PowerCheck>(spec, site, reader, groups);
}

}  // namespace greenlight::checks::detail
