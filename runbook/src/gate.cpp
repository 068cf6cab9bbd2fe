#include "greenlight/runbook/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "greenlight/checks/check.h"

namespace greenlight::runbook {
namespace {

using std::chrono::milliseconds;

bool plain_reference(const GateCheck& check) {
  return (check.expect.empty() || check.expect == "ok") && check.overrides.entries.empty();
}

// The site's parameters with the gate's expectation and overrides on top.
config::Value merged_parameters(const config::Value& base, const GateCheck& check) {
  config::Value merged = base;
  if (!merged.is_mapping()) {
    merged = config::Value{};
    merged.kind = config::Value::Kind::kMapping;
    merged.mark = check.mark;
  }
  auto set = [&merged](const config::Value::Entry& entry) {
    for (auto& existing : merged.entries) {
      if (existing.first.scalar == entry.first.scalar) {
        existing.second = entry.second;
        return;
      }
    }
    merged.entries.push_back(entry);
  };
  if (!check.expect.empty() && check.expect != "ok") {
    config::Value::Entry entry;
    entry.first.kind = entry.second.kind = config::Value::Kind::kScalar;
    entry.first.scalar = "expect";
    entry.second.scalar = check.expect;
    entry.first.mark = entry.second.mark = check.mark;
    set(entry);
  }
  for (const auto& entry : check.overrides.entries) set(entry);
  return merged;
}

std::string describe_value(const config::Value& value) {
  if (value.is_scalar()) return value.scalar;
  std::string out;
  for (const auto& item : value.items) out += (out.empty() ? "" : ",") + describe_value(item);
  return "[" + out + "]";
}

// Parameters that hold node sets, in every check kind that has them.
constexpr std::array<std::string_view, 5> kNodeSetKeys = {"targets", "peers", "vms", "hosts",
                                                          "nodes"};

// True when `text` reads a group of a source other than the site's
// ("@vm:running", "@run:vms_to_stop"): its nodes change while a run goes on.
bool reads_dynamic_group(std::string_view text) {
  for (auto at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    auto end = at + 1;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 ||
                                 text[end] == '_' || text[end] == '-'))
      ++end;
    if (end < text.size() && text[end] == ':' && text.substr(at + 1, end - at - 1) != "site")
      return true;
  }
  return false;
}

config::Value scalar_like(const config::Value& model, std::string text) {
  config::Value value;
  value.kind = config::Value::Kind::kScalar;
  value.scalar = std::move(text);
  value.mark = model.mark;
  return value;
}

}  // namespace

Gate gate_for_run(const Gate& gate, const config::Site& site, const GroupResolver& groups,
                  const NodeSet* excluded) {
  Gate out = gate;
  for (auto& check : out.checks) {
    const config::CheckSpec* spec = nullptr;
    for (const auto& candidate : site.checks) {
      if (candidate.name == check.check) spec = &candidate;
    }
    if (spec == nullptr) continue;  // watch() names it
    const config::Value merged = merged_parameters(spec->parameters, check);
    auto rewrite = [&](const std::string& key, const std::string& text) {
      config::Value::Entry entry;
      entry.first = scalar_like(check.overrides, key);
      entry.second = scalar_like(check.overrides, text);
      entry.first.mark = entry.second.mark = check.mark;
      for (auto& existing : check.overrides.entries) {
        if (existing.first.scalar == key) {
          existing.second = entry.second;
          return;
        }
      }
      if (!check.overrides.is_mapping()) {
        check.overrides.kind = config::Value::Kind::kMapping;
        check.overrides.mark = check.mark;
      }
      check.overrides.entries.push_back(std::move(entry));
    };
    auto resolve = [&](const std::string& key, const std::string& text) {
      try {
        return NodeSet::parse(site.with_self_named(text), &groups);
      } catch (const std::exception& error) {
        throw std::runtime_error(fmt::format("gate {}: check {}: {}: node set '{}': {}", gate.name,
                                             check.check, key, text, error.what()));
      }
    };
    for (const auto& [key, value] : merged.entries) {
      if (!value.is_scalar()) continue;
      const std::string& name = key.scalar;
      const bool node_set = std::find(kNodeSetKeys.begin(), kNodeSetKeys.end(), name) !=
                            kNodeSetKeys.end();
      if (node_set && (excluded != nullptr || reads_dynamic_group(value.scalar))) {
        NodeSet nodes = resolve(name, value.scalar);
        if (excluded != nullptr) nodes.difference_update(*excluded);
        rewrite(name, nodes.fold());
      } else if (name == "active_allowed" &&
                 (excluded != nullptr || reads_dynamic_group(value.scalar))) {
        NodeSet nodes = resolve(name, value.scalar);
        if (excluded != nullptr) nodes.update(*excluded);
        rewrite(name, nodes.fold());
      }
    }
    if (excluded != nullptr && merged.find("no_other_active") != nullptr &&
        merged.find("active_allowed") == nullptr) {
      rewrite("active_allowed", excluded->fold());
    }
  }
  return out;
}

config::CheckSpec gate_check_spec(const config::CheckSpec& site_check, const GateCheck& check) {
  config::CheckSpec derived = site_check;
  derived.name = gate_check_key(check);
  derived.parameters = merged_parameters(site_check.parameters, check);
  return derived;
}

std::string gate_check_key(const GateCheck& check) {
  if (plain_reference(check)) return check.check;
  std::string inner;
  if (!check.expect.empty() && check.expect != "ok") inner = "expect=" + check.expect;
  for (const auto& entry : check.overrides.entries) {
    inner += fmt::format("{}{}={}", inner.empty() ? "" : ",", entry.first.scalar,
                         describe_value(entry.second));
  }
  return fmt::format("{}{{{}}}", check.check, inner);
}

SchedulerResults::SchedulerResults(checks::Scheduler& scheduler, const config::Site& site,
                                   const GroupResolver& groups, Placement placement)
    : scheduler_(scheduler), site_(site), groups_(groups), placement_(std::move(placement)) {}

std::string SchedulerResults::watch(const GateCheck& check) {
  const std::string key = gate_check_key(check);
  if (scheduler_.knows(key)) return key;
  const config::CheckSpec* spec = nullptr;
  for (const auto& candidate : site_.checks) {
    if (candidate.name == check.check) spec = &candidate;
  }
  if (spec == nullptr) {
    throw std::runtime_error(
        fmt::format("{}: no check named '{}' in the site", check.mark.str(), check.check));
  }
  config::CheckSpec derived = gate_check_spec(*spec, check);
  config::Diagnostics diagnostics;
  auto built = checks::make_check(derived, site_, groups_, diagnostics);
  if (!built) {
    throw std::runtime_error(fmt::format("{}: check '{}' with this gate's parameters: {}",
                                         check.mark.str(), check.check, diagnostics.format()));
  }
  auto [endpoint, runner] = placement_(spec->host);
  checks::Scheduler::Entry entry;
  entry.check = std::move(built);
  entry.kind = spec->kind;
  entry.variant_of = spec->name;
  entry.endpoint = endpoint;
  entry.runner = runner;
  entry.interval = spec->interval;
  entry.timeout = spec->timeout;
  entry.jitter = spec->jitter;
  scheduler_.add(std::move(entry));
  return key;
}

const checks::CheckResult* SchedulerResults::latest(const std::string& key) const {
  return scheduler_.latest(key);
}

std::optional<std::chrono::steady_clock::time_point> SchedulerResults::green_since(
    const std::string& key, std::chrono::steady_clock::time_point from) const {
  return scheduler_.green_since(key, from);
}

void SchedulerResults::hurry(const std::string& key, std::optional<milliseconds> pace) {
  scheduler_.set_pace(key, pace);
  if (pace) scheduler_.run_now(key);
}

void SchedulerResults::run_now(const std::string& key) { scheduler_.run_now(key); }

std::shared_ptr<const CheckResults::Listener> SchedulerResults::listen(Listener listener) {
  return scheduler_.listen(std::move(listener));
}

std::string without_figures(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (!digit) {
      if (!(text[i] == '.' && !out.empty() && out.back() == '#')) out += text[i];
      continue;
    }
    if (out.empty() || out.back() != '#') out += '#';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> check_node_set_parameters(
    const config::CheckSpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string_view key : kNodeSetKeys) {
    const config::Value* value = spec.parameters.find(key);
    if (value != nullptr && value->is_scalar()) out.emplace_back(key, value->scalar);
  }
  return out;
}

std::string check_node_sets(const config::CheckSpec& spec) {
  std::string out;
  for (const auto& [key, nodes] : check_node_set_parameters(spec))
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, nodes);
  return out;
}

std::string gate_check_nodes(const config::Site& site, const GateCheck& check) {
  const config::CheckSpec* spec = nullptr;
  for (const auto& candidate : site.checks) {
    if (candidate.name == check.check) spec = &candidate;
  }
  if (spec == nullptr) return {};
  const std::string sets = check_node_sets(gate_check_spec(*spec, check));
  return fmt::format("on {}{}", spec->host.empty() ? "self" : spec->host,
                     sets.empty() ? "" : ": " + sets);
}

std::string GateStatus::why_red() const {
  std::string out;
  for (const auto& check : checks) {
    std::string clause;
    switch (check.state) {
      case GateCheckState::State::kGreen:
        continue;
      case GateCheckState::State::kNoResult:
        clause = fmt::format("{}: no result yet", check.check);
        break;
      case GateCheckState::State::kStale:
        clause = fmt::format("{}: no result since the gate started waiting", check.check);
        break;
      case GateCheckState::State::kRed:
        clause = fmt::format("{}: {}", check.check, check.message);
        break;
    }
    out += (out.empty() ? "" : "; ") + clause;
  }
  if (out.empty()) {
    out = fmt::format("every check green, for {}s, not yet as long as the gate holds (its "
                      "stable_for, or a check's own)",
                      green_for.count() / 1000);
  }
  return out;
}

}  // namespace greenlight::runbook
