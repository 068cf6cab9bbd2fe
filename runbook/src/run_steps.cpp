// Running each kind of step: commands on nodes, power, questions, saved
// groups, self_poweroff; the approval of the run's first change.
#include "run_steps.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "greenlight/core/nodeset.h"
#include "greenlight/runbook/run_outline.h"
#include "job_window.h"
#include "step_commands.h"

namespace greenlight::runbook {
namespace {

bool changes_cluster(const Step& step) {
  return step.kind == StepKind::kRun || step.kind == StepKind::kSelfPoweroff ||
         (step.kind == StepKind::kPower && step.power_action != "status");
}

// "failed on NODESET (...)" as journaled by a step that failed on nodes: NODESET.
std::string failed_nodes_of(const std::string& detail) {
  constexpr std::string_view kPrefix = "failed on ";
  if (detail.compare(0, kPrefix.size(), kPrefix) != 0) return {};
  const auto end = detail.find(" (", kPrefix.size());
  return end == std::string::npos ? std::string()
                                  : detail.substr(kPrefix.size(), end - kPrefix.size());
}

}  // namespace

RunSteps::RunSteps(const Executor::Context& context, const ExecutorOptions& options,
                   const std::string& run_id, Parts parts)
    : ctx_(context), options_(options), run_id_(run_id), parts_(parts) {}

void RunSteps::step(const Phase& phase, int number) {
  const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
  switch (parts_.journal.step_state(phase.name, number)) {
    case StepState::kFinished:
    case StepState::kSkipped:
      return parts_.flow.next_item();
    case StepState::kFailed: {
      // A failure left paused by an earlier process: ask again.
      const auto detail = parts_.journal.step_detail(phase.name, number);
      return step_failed_pause(phase, number, detail, failed_nodes_of(detail));
    }
    case StepState::kStarted:
      return parts_.interrupted.resolve(
          phase, number, s, [this, &phase, number] { execute(phase, number, std::nullopt); });
    case StepState::kNotStarted:
      return execute(phase, number, std::nullopt);
  }
}

void RunSteps::execute(const Phase& phase, int number, std::optional<std::string> only_nodes) {
  const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
  if (changes_cluster(s) && !options_.dry_run && !cluster_change_approved_) {
    if (!options_.assume_yes)
      return approve_first_change(phase, number, only_nodes, change_to_approve(s, only_nodes), "");
    // --yes approved it before the run started: journaled as an approval.
    cluster_change_approved_ = true;
    parts_.journal.append(
        JournalEvent::kChangeApproved, phase.name, std::to_string(number),
        fmt::format("approved in advance with --yes{}",
                    options_.approved_by.empty() ? "" : " (by " + options_.approved_by + ")"));
  }
  parts_.progress.step_started(phase.name, number);
  switch (s.kind) {
    case StepKind::kConfirm:
    case StepKind::kManual:
      return ask_operator(phase, number, s);
    case StepKind::kSaveGroup:
      return save_group(phase, number, s);
    case StepKind::kRun:
    case StepKind::kPower:
      return run_on_nodes(phase, number, s, only_nodes);
    case StepKind::kSelfPoweroff:
      return self_poweroff(phase, number, s);
  }
}

void RunSteps::approve_first_change(const Phase& phase, int number,
                                    std::optional<std::string> only_nodes, std::string shown,
                                    const std::string& before) {
  const std::string question =
      before.empty() ? fmt::format(
                           "Step {} of phase {} changes the cluster: {}\nStart it (and the steps "
                           "after it)?",
                           number, phase.name, shown)
                     : fmt::format(
                           "Step {} of phase {} changes the cluster, and what it acts on changed "
                           "while the question was open.\nWas: {}\nNow: {}\nStart it (and the "
                           "steps after it)?",
                           number, phase.name, before, shown);
  parts_.questions.approve(
      phase, number, shown, question, [this, &phase, number, only_nodes, shown](bool yes) {
        if (!yes) {
          if (parts_.questions.gave_no_answer()) {
            return parts_.questions.leave_paused(
                phase, number,
                "no answer (the operator's input ended): the first change is not "
                "approved yet");
          }
          return parts_.questions.leave_paused(
              phase, number,
              "the operator did not approve the first change" + parts_.questions.answered_by());
        }
        // What was approved must be what runs: resolved again now (the groups
        // of a dynamic source may have moved while the question was open); a
        // difference is put to the operator again.
        const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
        std::string now = change_to_approve(s, only_nodes);
        if (now != shown) {
          ctx_.person.report(
              fmt::format("  step {} changed while its approval was asked: now {}", number, now));
          return approve_first_change(phase, number, only_nodes, std::move(now), shown);
        }
        cluster_change_approved_ = true;
        groups_fresh_ = true;  // run_on_nodes resolves against what was shown
        parts_.journal.append(JournalEvent::kChangeApproved, phase.name, std::to_string(number),
                              "approved" + parts_.questions.answered_by());
        ctx_.person.report(
            fmt::format("  the first change was approved{}", parts_.questions.answered_by()));
        execute(phase, number, only_nodes);
      });
}

std::string RunSteps::change_to_approve(const Step& s,
                                        const std::optional<std::string>& only_nodes) {
  if (s.kind != StepKind::kRun && s.kind != StepKind::kPower) return describe_step(s);
  try {
    parts_.groups.refresh();
    const ResolvedStep resolved =
        resolve_step(s, ctx_.site, ctx_.groups, only_nodes, parts_.groups.excluded());
    if (resolved.nothing_to_do)
      return fmt::format("{} (nothing to do now: {})", describe_step(s), empty_reason(resolved));
    const std::size_t count = resolved.nodes.size();
    const std::string where =
        fmt::format("on {} ({} node{})", resolved.nodes.fold(), count, count == 1 ? "" : "s");
    if (s.kind == StepKind::kPower) return fmt::format("power {} {}", s.power_action, where);
    const std::string& first = resolved.jobs.front().command;
    const bool same = std::all_of(resolved.jobs.begin(), resolved.jobs.end(),
                                  [&first](const StepJob& job) { return job.command == first; });
    return fmt::format(
        "run {}: {}{}", where, first,
        same ? "" : fmt::format(" (as on {}; each node its own)", resolved.jobs.front().node));
  } catch (const std::exception&) {
    return describe_step(s);  // the step itself says why when it runs
  }
}

void RunSteps::step_done(const Phase& phase, int number, const std::string& summary) {
  parts_.progress.step_ended(phase.name, number);
  parts_.journal.append_step(JournalEvent::kStepFinished, phase, number, summary);
  ctx_.person.report(fmt::format("  step {} done: {}", number, summary));
  parts_.flow.next_item();
}

void RunSteps::ask_operator(const Phase& phase, int number, const Step& s) {
  parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  if (options_.dry_run) return step_done(phase, number, "dry run: would ask: " + s.text);
  auto answer = [this, &phase, number, &s](bool yes) {
    if (!yes) {
      if (parts_.questions.gave_no_answer()) {
        return parts_.questions.leave_paused(
            phase, number, "no answer (the operator's input ended): the question stays open");
      }
      return parts_.questions.leave_paused(
          phase, number,
          (s.kind == StepKind::kConfirm ? "the operator did not confirm"
                                        : "the manual step is not done") +
              parts_.questions.answered_by());
    }
    step_done(phase, number,
              (s.kind == StepKind::kConfirm ? "confirmed" : "done, says the operator") +
                  parts_.questions.answered_by());
  };
  if (s.kind == StepKind::kConfirm) {
    parts_.questions.confirm(s.text, answer);
  } else {
    parts_.questions.acknowledge(s.text, answer);
  }
}

void RunSteps::save_group(const Phase& phase, int number, const Step& s) {
  parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  parts_.groups.refresh();
  try {
    std::string note;
    NodeSet set;
    const std::string missing = missing_run_group(s.nodes, parts_.groups.saved());
    if (!missing.empty() && !s.fallback.empty()) {
      // Startup alone: no list was saved at shutdown, the site's is used.
      Step fallback = s;
      fallback.nodes = s.fallback;
      set = step_nodes(fallback, ctx_.site, ctx_.groups, parts_.groups.excluded());
      note = fmt::format(" (from {}: this run has no @run:{})", s.fallback, missing);
    } else {
      set = step_nodes(s, ctx_.site, ctx_.groups, parts_.groups.excluded());
    }
    const std::string nodes = set.fold();
    parts_.groups.save(s.group, nodes);
    step_done(phase, number, fmt::format("@run:{}={}{}", s.group, nodes, note));
  } catch (const std::exception& error) {
    if (options_.dry_run)
      return step_done(phase, number, fmt::format("dry run: {} resolved at run time", s.nodes));
    step_failed(phase, number, error.what(), "");
  }
}

void RunSteps::run_on_nodes(const Phase& phase, int number, const Step& s,
                            const std::optional<std::string>& only_nodes) {
  std::vector<detail::Job> jobs;
  // Fresh when the operator was just shown this step's resolution.
  if (!std::exchange(groups_fresh_, false)) parts_.groups.refresh();
  try {
    const ResolvedStep resolved =
        resolve_step(s, ctx_.site, ctx_.groups, only_nodes, parts_.groups.excluded());
    if (resolved.nothing_to_do) {
      // An empty set is a legitimate state (no VM left running): the step
      // has nothing to act on, and says which set was empty.
      parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
      const std::string why = empty_reason(resolved);
      parts_.journal.append_step(JournalEvent::kStepSkipped, phase, number, why);
      ctx_.person.report(fmt::format("  step {} skipped: {}", number, why));
      return parts_.flow.next_item();
    }
    jobs = detail::jobs_of(resolved, ctx_);
  } catch (const std::exception& error) {
    parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    if (options_.dry_run) {
      ctx_.person.report(fmt::format("  step {}: would {} (node sets resolved at run time)", number,
                                     describe_step(s)));
      return step_done(phase, number, "dry run: resolved at run time");
    }
    return step_failed(phase, number, error.what(), "");
  }
  parts_.journal.append_step(
      JournalEvent::kStepStarted, phase, number,
      fmt::format("{} on {} node{}{}", describe_step(s), jobs.size(), jobs.size() == 1 ? "" : "s",
                  only_nodes ? " (failed nodes only)" : ""));
  std::vector<std::string> remote;
  for (const auto& job : jobs) {
    if (!job.endpoint.local) remote.push_back(job.node);
  }
  if (!remote.empty() && !options_.dry_run)
    parts_.journal.append_step(JournalEvent::kStepRemote, phase, number,
                               NodeSet::from_names(remote).fold());
  ctx_.person.report(
      fmt::format("  step {}: {} ({} node{})", number,
                  s.kind == StepKind::kRun
                      ? jobs.front().command.text()
                      : fmt::format("{}: {}{}", describe_step(s), jobs.front().command.text(),
                                    jobs.size() > 1 ? " ..." : ""),
                  jobs.size(), jobs.size() == 1 ? "" : "s"));
  parts_.attempts.run(phase, number, s, std::move(jobs),
                      [this, &phase, number](StepAttempts::End end) {
                        if (end.failed)
                          return step_failed(phase, number, end.detail, end.failed_nodes);
                        step_done(phase, number, end.detail);
                      });
}

void RunSteps::step_failed(const Phase& phase, int number, const std::string& reason,
                           const std::string& failed_nodes) {
  parts_.progress.step_ended(phase.name, number);
  parts_.journal.append_step(JournalEvent::kStepFailed, phase, number, reason);
  step_failed_pause(phase, number, reason, failed_nodes);
}

void RunSteps::step_failed_pause(const Phase& phase, int number, const std::string& reason,
                                 const std::string& failed_nodes) {
  const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
  Pause pause;
  pause.cause = Pause::Cause::kStepFailed;
  pause.phase = phase.name;
  pause.step = number;
  pause.explanation = fmt::format("step {} of phase {} failed ({}): {}", number, phase.name,
                                  describe_step(s), reason);
  pause.failed_nodes = failed_nodes;
  pause.choices = {Decision::Kind::kRetry};
  if (!failed_nodes.empty()) pause.choices.push_back(Decision::Kind::kRetryFailedNodes);
  pause.choices.push_back(Decision::Kind::kSkip);
  pause.choices.push_back(Decision::Kind::kAbort);
  parts_.questions.pause(pause, [this, &phase, number, failed_nodes](const Decision& decision) {
    if (decision.kind == Decision::Kind::kSkip) {
      parts_.journal.append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
      return parts_.flow.next_item();
    }
    if (decision.kind == Decision::Kind::kRetryFailedNodes && !failed_nodes.empty())
      return execute(phase, number, failed_nodes);
    execute(phase, number, std::nullopt);
  });
}

void RunSteps::self_poweroff(const Phase& phase, int number, const Step& s) {
  std::string text;
  try {
    parts_.groups.refresh();
    text = s.command->render(ctx_.groups, parts_.groups.excluded()).text;
  } catch (const std::exception& error) {
    parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    return step_failed(phase, number, error.what(), "");
  }
  parts_.journal.append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  // Recorded before the command: the process may not live to record more.
  parts_.journal.append_step(
      JournalEvent::kSelfPoweroff, phase, number,
      fmt::format("boot {} host {}: {}", options_.boot_id, options_.host_name, text));
  ctx_.person.report(fmt::format(
      "  step {}: this host powers off now ({}); after it boots: greenlight runbook resume {}",
      number, text, run_id_));
  Command command = Command::shell(text);
  command.timeout = s.timeout.count() > 0 ? s.timeout : ctx_.site.ssh.command_timeout;
  ctx_.runner.run(
      detail::self_endpoint(ctx_), command,
      [this, going = parts_.flow.lifeline(), &phase, number, &s](RunResult result) {
        if (!going()) return;
        if (!detail::succeeded(result, s.allowed_exit_codes)) {
          return step_failed(phase, number,
                             fmt::format("failed on {} ({})", result.node, result.reason), "");
        }
        if (options_.dry_run)
          return step_done(phase, number, "dry run: the host would power off here");
        ctx_.person.report(fmt::format("run {} is waiting for this host to come back up", run_id_));
        parts_.flow.finish(RunOutcome::kPoweredOff);
      });
}

}  // namespace greenlight::runbook
