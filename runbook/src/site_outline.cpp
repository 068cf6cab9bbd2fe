#include "site_outline.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "greenlight/core/group_source.h"
#include "greenlight/core/nodeset.h"
#include "step_reader.h"

namespace greenlight::runbook::detail {
namespace {

// A source that remembers each group it was asked for, and its answer.
class RecordingSource : public GroupSource {
 public:
  RecordingSource(std::string name, std::shared_ptr<const GroupSource> inner,
                  std::shared_ptr<std::map<std::string, std::string>> seen,
                  std::shared_ptr<std::mutex> mutex)
      : name_(std::move(name)), inner_(std::move(inner)), seen_(std::move(seen)),
        mutex_(std::move(mutex)) {}
  std::optional<std::string> map(std::string_view group) const override {
    // A source that cannot answer now is recorded as such: an outline
    // without the group's line could not tell a later edit of it.
    std::optional<std::string> nodes;
    try {
      nodes = inner_->map(group);
    } catch (const std::exception& error) {
      record(fmt::format("@{}:{}", name_, group), fmt::format("(unreadable: {})", error.what()));
      throw;
    }
    record(fmt::format("@{}:{}", name_, group), nodes ? *nodes : "(no such group)");
    return nodes;
  }
  std::vector<std::string> list() const override { return inner_->list(); }
  std::optional<std::string> all() const override {
    auto nodes = inner_->all();
    record(fmt::format("@{}:*", name_), nodes ? *nodes : "(unknown)");
    return nodes;
  }
  bool dynamic() const override { return inner_->dynamic(); }

 private:
  void record(const std::string& group, std::string nodes) const {
    const std::lock_guard lock(*mutex_);
    (*seen_)[group] = std::move(nodes);
  }

  std::string name_;
  std::shared_ptr<const GroupSource> inner_;
  std::shared_ptr<std::map<std::string, std::string>> seen_;
  std::shared_ptr<std::mutex> mutex_;
};

// A scalar as written, quoted when it holds what separates values here.
std::string scalar_text(const std::string& text) {
  if (!text.empty() && text.find_first_of(",:{}[]\"\\; \n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out + "\"";
}

// A value in flow style, a mapping's keys sorted: the same parameters give
// the same text whatever their order in the file.
std::string value_text(const config::Value& value) {
  switch (value.kind) {
    case config::Value::Kind::kNull:
      return "null";
    case config::Value::Kind::kScalar:
      return scalar_text(value.scalar);
    case config::Value::Kind::kSequence: {
      std::string out = "[";
      for (const auto& item : value.items) out += (out.size() > 1 ? ", " : "") + value_text(item);
      return out + "]";
    }
    case config::Value::Kind::kMapping: {
      std::map<std::string, std::string> sorted;
      for (const auto& entry : value.entries)
        sorted[entry.first.scalar] = value_text(entry.second);
      std::string out = "{";
      for (const auto& [key, text] : sorted)
        out += fmt::format("{}{}: {}", out.size() > 1 ? ", " : "", scalar_text(key), text);
      return out + "}";
    }
  }
  return "?";
}

std::string check_line(const config::CheckSpec& check) {
  std::string command;
  for (const auto& word : check.command) command += (command.empty() ? "" : " ") + scalar_text(word);
  std::string passed;
  for (const auto& name : check.pass_environment) passed += (passed.empty() ? "" : " ") + name;
  return fmt::format(
      "site check {}: kind {}; host {}; interval {}ms; jitter {}ms; timeout {}ms; command [{}]; "
      "pass_environment [{}]; {}",
      check.name, check.kind, check.host, check.interval.count(), check.jitter.count(),
      check.timeout.count(), command, passed, value_text(check.parameters));
}

// Every step of the runbook, its gates' remedies included.
std::vector<const Step*> all_steps(const Runbook& book) {
  std::vector<const Step*> steps;
  for (const auto& phase : book.phases)
    for (const auto& step : phase.steps) steps.push_back(&step);
  for (const auto& gate : book.gates)
    if (gate.remedy)
      for (const auto& step : gate.remedy->steps) steps.push_back(&step);
  return steps;
}

}  // namespace

std::vector<std::string> site_outline(const Runbook& book, const config::Site& site) {
  std::vector<std::string> lines;
  // The checks the gates read.
  std::set<std::string> checks;
  for (const auto& gate : book.gates)
    for (const auto& check : gate.checks) checks.insert(check.check);
  for (const auto& check : site.checks)
    if (checks.count(check.name) != 0) lines.push_back(check_line(check));

  // The groups and hosts the steps name, read through sources that record.
  auto seen = std::make_shared<std::map<std::string, std::string>>();
  auto mutex = std::make_shared<std::mutex>();
  const auto site_groups = site.group_resolver();
  GroupResolver groups;
  for (const auto& name : site_groups->source_names()) {
    const auto source = site_groups->source(name);
    if (source == nullptr) continue;
    // A dynamic source (a check's facts) answers at run time: not recorded.
    if (source->dynamic()) {
      groups.add_source(name, source);
    } else {
      groups.add_source(name, std::make_shared<RecordingSource>(name, source, seen, mutex));
    }
  }
  if (!site_groups->default_source().empty()) groups.set_default(site_groups->default_source());
  add_placeholder_sources(groups);  // @run: and @remedy: are read at run time
  bool names_self = false, runs = false, powers = false;
  std::set<std::string> hosts;
  auto read = [&](const std::string& text) {
    if (text.empty()) return;
    const std::string named = site.with_self_named(text);
    names_self = names_self || named != text;
    try {
      // The site's hosts it holds: never its names one by one (a set may
      // be large, and this runs each time the runbooks load).
      const NodeSet set = NodeSet::parse(named, &groups);
      for (const auto& host : site.hosts)
        if (set.contains(host.name)) hosts.insert(host.name);
    } catch (const std::exception&) {
      // A group known only at run time, or an error the loader reports.
    }
  };
  // The groups a gate's checks read (fping's targets: "@top", a gate's
  // override): any word of their parameters that names a group.
  std::function<void(const config::Value&)> read_groups_of = [&](const config::Value& value) {
    if (value.is_scalar() && value.scalar.find('@') != std::string::npos) read(value.scalar);
    for (const auto& item : value.items) read_groups_of(item);
    for (const auto& entry : value.entries) read_groups_of(entry.second);
  };
  for (const auto& check : site.checks)
    if (checks.count(check.name) != 0) read_groups_of(check.parameters);
  for (const auto& gate : book.gates)
    for (const auto& check : gate.checks) read_groups_of(check.overrides);
  for (const Step* step : all_steps(book)) {
    read(step->nodes);
    read(step->exclude);
    read(step->fallback);
    if (step->command) {
      for (const auto& expression : step->command->node_expressions())
        for (const auto& set : node_expression_sets(expression)) read(set);
    }
    runs = runs || step->kind == StepKind::kRun;
    powers = powers || step->kind == StepKind::kPower;
  }
  for (const auto& [group, nodes] : *seen) lines.push_back(fmt::format("site group {}: {}", group, nodes));
  if (names_self && site.self_host() != nullptr)
    lines.push_back("site self: " + site.self_host()->name);
  for (const auto& name : hosts) {
    const config::Host& host = *site.host(name);
    lines.push_back(fmt::format("site host {}: address {}; user {}; port {}; bmc {}{}", name,
                                scalar_text(host.address), scalar_text(host.user), host.port,
                                scalar_text(host.bmc), host.self ? "; self" : ""));
  }
  if (runs) {
    const auto& ssh = site.ssh;
    std::string identities;
    for (const auto& file : ssh.identity_files) identities += (identities.empty() ? "" : " ") + scalar_text(file);
    lines.push_back(fmt::format(
        "site ssh: user {}; port {}; identities [{}]; known_hosts {}; host keys {}; connect "
        "timeout {}ms; command timeout {}ms; fanout {}",
        scalar_text(ssh.user), ssh.port, identities, scalar_text(ssh.known_hosts),
        ssh.accept_new_host_keys ? "accept-new" : "strict", ssh.connect_timeout.count(),
        ssh.command_timeout.count(), ssh.fanout));
  }
  if (powers) {
    lines.push_back(fmt::format("site power: command {}; timeout {}ms",
                                scalar_text(site.power.command), site.power.timeout.count()));
  }
  return lines;
}

}  // namespace greenlight::runbook::detail
