// kind dns_critical. Critical names are looked up in the hosts file of every
// host of `on` (the check's host by default), with getent's files source
// only (`getent -s hosts:files hosts NAME`, one script per host, over SSH
// for the others): what keeps resolving while the DNS VMs are down, and
// nothing a DNS server answers can stand in for it. With `servers`, every
// record (or only the critical ones) is also asked of each DNS server
// directly, through `greenlight resolve` (c-ares), where missing, wrong and
// extra answers are named.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check_support.h"
#include "greenlight/checks/commands.h"
#include "greenlight/checks/confiture.h"
#include "greenlight/checks/dns.h"
#include "greenlight/checks/dns_servers.h"
#include "kinds.h"

namespace greenlight::checks::detail {
namespace {

std::vector<std::string> names_of(const std::vector<AddressRecord>& records) {
  std::vector<std::string> names;
  for (const auto& record : records) {
    for (const auto& name : record.names) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

// The greenlight that runs the check also asks the servers, unless
// `resolve_command` says otherwise.
std::vector<std::string> default_resolve_command() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return {error ? std::string("greenlight") : self.string(), "resolve"};
}

// Merges the NSS verdict and the servers' verdict into one result.
CheckResult merged(std::optional<CheckResult> nss, std::optional<CheckResult> servers) {
  if (!nss) return std::move(*servers);
  if (!servers) return std::move(*nss);
  CheckResult r = std::move(*nss);
  // Both green: both say what they verified; otherwise only what is wrong.
  if (r.green() && servers->green()) {
    r.message += "; " + servers->message;
  } else if (r.green()) {
    r.message = servers->message;
  } else if (!servers->green()) {
    r.message += "; " + servers->message;
  }
  r.status = worst(r.status, servers->status);
  r.samples.insert(r.samples.end(), servers->samples.begin(), servers->samples.end());
  r.facts.insert(r.facts.end(), servers->facts.begin(), servers->facts.end());
  return r;
}

class DnsCheck : public Check {
 public:
  DnsCheck(const config::CheckSpec& spec, const config::Site& site, config::MapReader& reader,
           const GroupResolver& groups)
      : Check(spec.name, spec.host), program_(spec.command) {
    nss_ = reader.boolean("nss").value_or(true);
    // The hosts whose hosts files must hold the records; none named: the
    // check's own host.
    auto on = on_hosts(reader, spec, site, groups);
    hosts_ = std::move(on.hosts);
    placements_ = std::move(on.placements);
    for (const auto& text : reader.strings("servers").value_or(std::vector<std::string>{})) {
      auto server = parse_dns_server(text);
      if (!server) {
        reader.diagnostics().error(reader.value().find("servers")->mark,
                                   fmt::format("servers: {}", server.error().reason));
        continue;
      }
      servers_.push_back(*server);
    }
    const bool all_records =
        reader.choice("server_records", {"all", "critical"}).value_or("all") == "all";
    auto domain = reader.string("domain");
    if (domain) {
      while (!domain->empty() && domain->front() == '.') domain->erase(0, 1);
      while (!domain->empty() && domain->back() == '.') domain->pop_back();
      if (domain->empty()) domain.reset();
    }
    resolve_command_ = reader.strings("resolve_command").value_or(default_resolve_command());
    if (resolve_command_.empty()) resolve_command_ = default_resolve_command();
    resolve_timeout_ = std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout * 0.8);
    if (!nss_ && servers_.empty() && reader.value().find("nss") != nullptr) {
      reader.diagnostics().error(reader.value().find("nss")->mark,
                                 "nss: false needs servers to ask instead");
    }

    const auto file = reader.string("addresses", true);
    const config::Value* where = reader.value().find("addresses");
    if (!file || where == nullptr) return;
    std::filesystem::path path = *file;
    if (path.is_relative()) path = site.file.parent_path() / path;
    std::ifstream in(path);
    if (!in) {
      reader.diagnostics().error(where->mark,
                                 fmt::format("addresses: cannot read {}", path.string()));
      return;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto records = parse_confiture_addresses(text.str(), path.string());
    if (!records) {
      reader.diagnostics().error(where->mark, fmt::format("addresses: {}", records.error().reason));
      return;
    }
    critical_ = critical_records(*records);
    critical_names_ = names_of(critical_);
    server_records_ = all_records ? *records : critical_;
    // The servers publish the names in their zone: `domain` makes them
    // fully qualified (no search list is applied when asking them).
    if (domain) {
      for (auto& record : server_records_) {
        for (auto& name : record.names) name += "." + *domain;
      }
    }
    server_names_ = names_of(server_records_);
  }

  std::vector<Command> commands() const override {
    std::vector<Command> out;
    if (nss_) {
      for (std::size_t i = 0; i < hosts_.size(); ++i)
        out.push_back(Command::shell(hosts_file_lookup_script(critical_names_, program_)));
    }
    for (const auto& server : servers_) {
      Argv argv = resolve_command_;
      argv.insert(argv.end(),
                  {"-s", server.text(), "-t",
                   fmt::format("{}ms", std::max<std::int64_t>(resolve_timeout_.count(), 100))});
      argv.insert(argv.end(), server_names_.begin(), server_names_.end());
      out.push_back(Command::program(std::move(argv)));
    }
    return out;
  }

  std::vector<std::optional<Endpoint>> placements() const override {
    std::vector<std::optional<Endpoint>> out;
    if (nss_) out = placements_;
    out.resize(out.size() + servers_.size());
    return out;
  }
  bool concurrent() const override { return true; }

  CheckResult judge(const std::vector<RunResult>& results) const override {
    std::size_t next = 0;
    std::optional<CheckResult> nss;
    if (nss_) {
      std::vector<HostsFileAnswers> hosts;
      for (const auto& host : hosts_) hosts.push_back(hosts_file_answers(host, results.at(next++)));
      nss = hosts_files_verdict(critical_, hosts);
    }
    std::optional<CheckResult> servers;
    if (!servers_.empty()) {
      std::vector<ServerAnswers> asked;
      for (const auto& server : servers_)
        asked.push_back(resolve_answers(server, results.at(next++)));
      servers = dns_servers_verdict(server_records_, asked);
    }
    return merged(std::move(nss), std::move(servers));
  }

 private:
  using Argv = std::vector<std::string>;

  // The lookup script exits with its last getent's status: its lines say
  // what each name gave. A host that could not be asked, or an output in
  // another shape, is an error for that host.
  static HostsFileAnswers hosts_file_answers(const std::string& host, const RunResult& run) {
    HostsFileAnswers out{host, {}, {}};
    if (auto failed = not_judgeable(run)) {
      out.error = fmt::format("{} ({})", run.reason, to_string(run.status));
      return out;
    }
    auto parsed = parse_hosts_file_lookups(run.out);
    if (!parsed) {
      out.error = parsed.error().reason;
    } else if (parsed->empty() && run.exit_code != 0) {
      const std::string why = run.err.empty() ? run.out : run.err;
      out.error = fmt::format("exit {}: {}", run.exit_code, why.substr(0, why.find('\n')));
    } else {
      out.lookups = std::move(*parsed);
    }
    return out;
  }

  // `greenlight resolve` exits 1 when some name has no address: its lines
  // still say which. Anything else without lines is a failure to ask.
  static ServerAnswers resolve_answers(const DnsServer& server, const RunResult& run) {
    ServerAnswers out{server.text(), {}, {}};
    if (run.status != RunStatus::kOk && run.status != RunStatus::kExit) {
      out.error = fmt::format("{} ({})", run.reason, to_string(run.status));
      return out;
    }
    if (run.exit_code != 0 && run.exit_code != 1) {
      const std::string why = run.err.empty() ? run.out : run.err;
      out.error =
          fmt::format("{}: exit {}: {}", run.command, run.exit_code, why.substr(0, why.find('\n')));
      return out;
    }
    auto parsed = parse_resolve_output(run.out);
    if (!parsed) {
      out.error = parsed.error().reason;
      return out;
    }
    out.answers = std::move(*parsed);
    return out;
  }

  std::vector<std::string> program_;
  bool nss_ = true;
  std::vector<std::string> hosts_;
  std::vector<std::optional<Endpoint>> placements_;
  std::vector<DnsServer> servers_;
  std::vector<std::string> resolve_command_;
  std::chrono::milliseconds resolve_timeout_{4000};
  std::vector<AddressRecord> critical_;
  std::vector<std::string> critical_names_;
  std::vector<AddressRecord> server_records_;
  std::vector<std::string> server_names_;
};

}  // namespace

std::unique_ptr<Check> make_dns_check(const config::CheckSpec& spec, const config::Site& site,
                                      config::MapReader& reader, const GroupResolver& groups) {
  return std::make_unique<DnsCheck>(spec, site, reader, groups);
}

}  // namespace greenlight::checks::detail
