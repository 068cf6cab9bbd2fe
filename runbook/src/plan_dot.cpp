// The plan as a Graphviz digraph (`greenlight runbook plan NAME -o dot`):
// the same resolved Plan the text and JSON printers print, drawn as one
// cluster per phase, in order. Every identifier and label is a quoted DOT
// string (dot_quoted), so any runbook text gives valid DOT.
#include <fmt/format.h>

#include <string_view>

#include "greenlight/core/json.h"
#include "greenlight/runbook/plan.h"

namespace greenlight::runbook {

namespace {

// `text` escaped for the inside of a DOT quoted label: one line per line of
// `text`, each ending in \l (left-justified).
std::string label_lines(std::string_view raw) {
  const std::string text = valid_utf8(raw);  // bytes that are not UTF-8: U+FFFD
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\l";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\\\x{:02x}", c);  // shown as the text \x1b
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\\l";
}

// Prose (descriptions, a manual step's text) broken at spaces into lines of
// at most 72 bytes where it can be, so a node stays readable; commands are
// never wrapped: they are shown as exec runs them.
std::string wrapped(std::string_view text) {
  constexpr std::size_t kWidth = 72;
  std::string out;
  std::size_t line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (line > 0 && line + 1 + word.size() > kWidth) {
      out += '\n';
      line = 0;
    } else if (line > 0 || (!out.empty() && out.back() != '\n')) {
      out += ' ';
      ++line;
    }
    out.append(word);
    line += word.size();
    if (end < text.size() && text[end] == '\n') {
      out += '\n';
      line = 0;
    }
    start = end + 1;
  }
  return out;
}

std::string count_of(const NodeSet& nodes) {
  return fmt::format("{} ({} node{})", nodes.fold(), nodes.size(), nodes.size() == 1 ? "" : "s");
}

// The lines of a step's label: what it is, where it runs, what it runs.
std::string step_label(const PlannedStep& planned, const Plan& plan, std::string_view head) {
  const Step& step = planned.step;
  const PlannedJobs& jobs = planned.jobs;
  std::string title = fmt::format("{} {} {}", head, planned.number, to_string(step.kind));
  if (step.kind == StepKind::kPower) title += " " + step.power_action;
  if (!step.id.empty()) title += " [" + step.id + "]";
  std::string out = label_lines(title);
  switch (step.kind) {
    case StepKind::kConfirm:
    case StepKind::kManual:
      return out + label_lines(wrapped(step.text));
    case StepKind::kSaveGroup: {
      const std::string minus = step.exclude.empty() ? "" : " -x " + step.exclude;
      out += label_lines(fmt::format("@run:{} = {}{}", step.group, planned.saves, minus));
      out += label_lines(jobs.nodes ? "= " + count_of(*jobs.nodes) : "(resolved at run time)");
      if (!planned.missing_group.empty())
        out += label_lines(
            fmt::format("this run has no @run:{}: saves the fallback", planned.missing_group));
      return out;
    }
    case StepKind::kSelfPoweroff:
      out += label_lines("on " + plan.self +
                         (jobs.resolved ? "" : "   (node sets resolved at run time)"));
      return out + label_lines(jobs.command);
    case StepKind::kPower:
    case StepKind::kRun:
      break;
  }
  if (jobs.nothing_to_do) {
    return out +
           label_lines(fmt::format("on {}: nothing to do, skipped ({})",
                                   jobs.nodes->size() == 0 ? "no node" : count_of(*jobs.nodes),
                                   jobs.skip_reason));
  }
  if (!jobs.refused.empty()) {
    return out + label_lines(fmt::format("on {}: refused: {}",
                                         jobs.nodes ? count_of(*jobs.nodes) : jobs.written,
                                         jobs.refused));
  }
  out += label_lines(
      "on " + (jobs.nodes ? count_of(*jobs.nodes) : jobs.written + " (resolved at run time)") +
      (step.kind == StepKind::kPower && jobs.resolved ? ", from " + plan.self : ""));
  if (!jobs.command.empty()) out += label_lines("$ " + jobs.command);
  if (step.kind == StepKind::kPower && jobs.jobs > 1)
    out += label_lines(fmt::format("(likewise for the {} other nodes)", jobs.jobs - 1));
  return out;
}

std::string gate_label(const PlannedGate& planned, const Plan& plan) {
  const Gate& gate = planned.gate;
  std::string out = label_lines((planned.require ? "require " : "wait for ") + gate.name);
  if (!gate.description.empty()) out += label_lines(wrapped(gate.description));
  if (planned.exclusion_at_run_time && plan.excluded)
    out += label_lines("(node sets resolved at run time, minus " + plan.excluded->fold() + ")");
  for (const auto& check : gate.checks) {
    std::string line = fmt::format("check {} expect {}", check.check, check.expect);
    for (const auto& [key, value] : check.overrides.entries)
      line +=
          fmt::format(", {}={}", key.scalar, value.is_scalar() ? value.scalar : value.describe());
    if (check.stable_for)
      line += fmt::format(", green for {} (its own)", duration(*check.stable_for));
    out += label_lines(line);
  }
  return out + label_lines(fmt::format("green for {}, at most {}", duration(gate.stable_for),
                                       duration(gate.timeout)));
}

// Appends the statements of a graph being written, one per line.
class DotWriter {
 public:
  void node(const std::string& id, const std::string& label, std::string_view attributes) {
    out_ += fmt::format("    {} [label=\"{}\"{}{}];\n", dot_quoted(id), label,
                        attributes.empty() ? "" : ", ", attributes);
  }
  void edge(const std::string& from, const std::string& to, std::string_view attributes = {}) {
    out_ += fmt::format("  {} -> {}{}{}{};\n", dot_quoted(from), dot_quoted(to),
                        attributes.empty() ? "" : " [", attributes, attributes.empty() ? "" : "]");
  }
  std::string& text() { return out_; }

 private:
  std::string out_;
};

// A gate and its remedy steps, inside the phase's cluster; the remedy's
// edges go to `edges` (drawn after the clusters).
void gate_nodes(DotWriter& nodes, DotWriter& edges, const PlannedGate& planned, const Plan& plan,
                const std::string& id) {
  nodes.node(id, gate_label(planned, plan), "shape=hexagon, style=filled, fillcolor=\"#fef7e0\"");
  if (!planned.gate.remedy) return;
  const Remedy& remedy = *planned.gate.remedy;
  std::string previous = id;
  for (const auto& step : planned.remedy_steps) {
    const std::string step_id = fmt::format("{}_remedy{}", id, step.number);
    nodes.node(step_id, step_label(step, plan, "remedy step"),
               "shape=box, style=\"dashed,rounded\"");
    edges.edge(previous, step_id,
               previous == id
                   ? fmt::format("style=dashed, label={}",
                                 dot_quoted(fmt::format("remedy: still red {} into the wait, "
                                                        "at most {} attempt{}",
                                                        duration(remedy.after), remedy.attempts,
                                                        remedy.attempts == 1 ? "" : "s")))
                   : std::string("style=dashed"));
    previous = step_id;
  }
  if (previous != id) edges.edge(previous, id, "style=dashed, label=\"then the gate waits again\"");
}

const char* step_shape(StepKind kind) {
  switch (kind) {
    case StepKind::kConfirm:
    case StepKind::kManual:
      return "shape=note";
    case StepKind::kSaveGroup:
      return "shape=folder";
    case StepKind::kPower:
      return "shape=box3d";
    case StepKind::kSelfPoweroff:
      return "shape=box, peripheries=2";
    case StepKind::kRun:
      break;
  }
  return "shape=box";
}

}  // namespace

std::string dot_quoted(std::string_view text) {
  std::string label = label_lines(text);
  label.resize(label.size() - 2);  // no \l after the last line of an identifier
  return "\"" + label + "\"";
}

std::string render_plan_dot(const Plan& plan) {
  const Runbook& book = *plan.book;
  std::string title =
      fmt::format("runbook {} ({}): {} phases", book.name, book.file.string(), book.phases.size());
  if (!book.description.empty()) title += "\n" + wrapped(book.description);
  if (!plan.from_run.empty()) {
    title += fmt::format("\nwith the groups saved by run {}:", plan.from_run);
    for (const auto& [name, nodes] : plan.run_groups)
      title += fmt::format(" @run:{}={}", name, nodes.empty() ? "(empty)" : nodes);
  }
  if (plan.excluded) title += "\nexcluding " + plan.excluded->fold() + " from every step and gate";

  DotWriter nodes;
  DotWriter edges;
  std::string previous;  // the last node drawn, which the next one follows
  const auto follow = [&](const std::string& id, std::string_view attributes = {}) {
    if (!previous.empty()) edges.edge(previous, id, attributes);
    previous = id;
  };
  for (const auto& planned : plan.phases) {
    const Phase& phase = *planned.phase;
    nodes.text() +=
        fmt::format("  subgraph {} {{\n    label=\"{}\";\n    style=rounded;\n",
                    dot_quoted(fmt::format("cluster_{}", planned.number)),
                    label_lines(fmt::format("{}. {}{}", planned.number, phase.name,
                                            phase.title.empty() ? "" : " - " + phase.title)));
    const std::string prefix = fmt::format("phase{}_", planned.number);
    bool first_step = true;
    for (std::size_t i = 0; i < planned.require.size(); ++i) {
      const std::string id = fmt::format("{}require{}", prefix, i + 1);
      gate_nodes(nodes, edges, planned.require[i], plan, id);
      follow(id);
    }
    for (const auto& step : planned.steps) {
      const std::string id = fmt::format("{}step{}", prefix, step.number);
      nodes.node(id, step_label(step, plan, "step"), step_shape(step.step.kind));
      follow(id, first_step && !planned.require.empty() ? "label=\"require\"" : "");
      first_step = false;
    }
    for (std::size_t i = 0; i < planned.wait_for.size(); ++i) {
      const std::string id = fmt::format("{}wait_for{}", prefix, i + 1);
      gate_nodes(nodes, edges, planned.wait_for[i], plan, id);
      follow(id, i == 0 && !planned.steps.empty() ? "label=\"wait_for\"" : "");
    }
    if (planned.require.empty() && planned.steps.empty() && planned.wait_for.empty()) {
      const std::string id = prefix + "empty";
      nodes.node(id, label_lines("no step"), "shape=plaintext");
      follow(id);
    }
    nodes.text() += "  }\n";
  }
  return fmt::format(
      "digraph {} {{\n"
      "  graph [label=\"{}\", labelloc=t, labeljust=l, fontname=\"DejaVu Sans\", "
      "compound=true];\n"
      "  node [fontname=\"DejaVu Sans\", fontsize=10];\n"
      "  edge [fontname=\"DejaVu Sans\", fontsize=9];\n"
      "{}{}}}\n",
      dot_quoted("runbook " + book.name), label_lines(title), nodes.text(), edges.text());
}

}  // namespace greenlight::runbook
