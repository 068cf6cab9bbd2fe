// Running each kind of step: commands on nodes, power, questions, saved
// groups, self_poweroff.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "executor_impl.h"
#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::runbook {

void Executor::Impl::step(const Phase& phase, int number) {
  const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
  switch (step_state(phase.name, number)) {
    case StepState::kFinished:
    case StepState::kSkipped:
      return next_item();
    case StepState::kFailed: {
      // A failure left paused by an earlier process: ask again.
      const auto detail = state_.step_details[phase.name][number];
      return step_failed_pause(phase, number, detail, failed_nodes_of(detail));
    }
    case StepState::kStarted:
      return interrupted(phase, number, s);
    case StepState::kNotStarted:
      return execute(phase, number, std::nullopt);
  }
}

void Executor::Impl::execute(const Phase& phase, int number,
                             std::optional<std::string> only_nodes) {
  const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
  if (changes_cluster(s) && !options_.dry_run && !cluster_change_approved_) {
    if (!options_.assume_yes)
      return approve_first_change(phase, number, only_nodes, change_to_approve(s, only_nodes), "");
    // --yes approved it before the run started: journaled as an approval.
    cluster_change_approved_ = true;
    append(JournalEvent::kChangeApproved, phase.name, std::to_string(number),
           fmt::format("approved in advance with --yes{}",
                       options_.approved_by.empty() ? "" : " (by " + options_.approved_by + ")"));
  }
  step_started_[{phase.name, number}] = Clock::now();
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

void Executor::Impl::approve_first_change(const Phase& phase, int number,
                                          std::optional<std::string> only_nodes,
                                          std::string shown, const std::string& before) {
  waiting_for_operator_ = true;
  // The question is journaled: status shows it open, the notify command
  // tells of it (a run in serve may ask with nobody attached).
  append(JournalEvent::kApprovalAsked, phase.name, std::to_string(number), shown);
  const std::string question =
      before.empty()
          ? fmt::format("Step {} of phase {} changes the cluster: {}\nStart it (and the steps "
                        "after it)?",
                        number, phase.name, shown)
          : fmt::format("Step {} of phase {} changes the cluster, and what it acts on changed "
                        "while the question was open.\nWas: {}\nNow: {}\nStart it (and the "
                        "steps after it)?",
                        number, phase.name, before, shown);
  ctx_.person.confirm(question, [this, alive = alive_, &phase, number, only_nodes,
                                 shown](bool yes) {
    if (!*alive || finished_) return;
    waiting_for_operator_ = false;
    if (!yes) {
      if (ctx_.person.gave_no_answer()) {
        return leave_paused(phase, number,
                            "no answer (the operator's input ended): the first change is not "
                            "approved yet");
      }
      return leave_paused(phase, number,
                          "the operator did not approve the first change" + answered_by());
    }
    // What was approved must be what runs: resolved again now (the groups
    // of a dynamic source may have moved while the question was open); a
    // difference is put to the operator again.
    const Step& s = phase.steps[static_cast<std::size_t>(number) - 1];
    std::string now = change_to_approve(s, only_nodes);
    if (now != shown) {
      report(fmt::format("  step {} changed while its approval was asked: now {}", number, now));
      return approve_first_change(phase, number, only_nodes, std::move(now), shown);
    }
    cluster_change_approved_ = true;
    groups_fresh_ = true;  // run_on_nodes resolves against what was shown
    append(JournalEvent::kChangeApproved, phase.name, std::to_string(number),
           "approved" + answered_by());
    report(fmt::format("  the first change was approved{}", answered_by()));
    execute(phase, number, only_nodes);
  });
}

std::string Executor::Impl::change_to_approve(const Step& s,
                                              const std::optional<std::string>& only_nodes) {
  if (s.kind != StepKind::kRun && s.kind != StepKind::kPower) return describe_step(s);
  try {
    refresh_groups();
    const ResolvedStep resolved = resolve_step(s, ctx_.site, ctx_.groups, only_nodes, excluded());
    if (resolved.nothing_to_do)
      return fmt::format("{} (nothing to do now: {})", describe_step(s), empty_reason(resolved));
    const std::size_t count = resolved.nodes.size();
    const std::string where =
        fmt::format("on {} ({} node{})", resolved.nodes.fold(), count, count == 1 ? "" : "s");
    if (s.kind == StepKind::kPower) return fmt::format("power {} {}", s.power_action, where);
    const std::string& first = resolved.jobs.front().command;
    const bool same = std::all_of(resolved.jobs.begin(), resolved.jobs.end(),
                                  [&first](const StepJob& job) { return job.command == first; });
    return fmt::format("run {}: {}{}", where, first,
                       same ? "" : fmt::format(" (as on {}; each node its own)",
                                               resolved.jobs.front().node));
  } catch (const std::exception&) {
    return describe_step(s);  // the step itself says why when it runs
  }
}

void Executor::Impl::step_done(const Phase& phase, int number, const std::string& summary) {
  live_groups_.clear();
  step_durations_[{phase.name, number}] =
      std::chrono::duration_cast<milliseconds>(Clock::now() - step_started_[{phase.name, number}]);
  append_step(JournalEvent::kStepFinished, phase, number, summary);
  report(fmt::format("  step {} done: {}", number, summary));
  next_item();
}

void Executor::Impl::ask_operator(const Phase& phase, int number, const Step& s) {
  append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  if (options_.dry_run) return step_done(phase, number, "dry run: would ask: " + s.text);
  auto answer = [this, alive = alive_, &phase, number, &s](bool yes) {
    if (!*alive || finished_) return;
    waiting_for_operator_ = false;
    if (!yes) {
      if (ctx_.person.gave_no_answer()) {
        return leave_paused(phase, number,
                            "no answer (the operator's input ended): the question stays open");
      }
      return leave_paused(phase, number,
                          (s.kind == StepKind::kConfirm ? "the operator did not confirm"
                                                        : "the manual step is not done") +
                              answered_by());
    }
    step_done(phase, number,
              (s.kind == StepKind::kConfirm ? "confirmed" : "done, says the operator") +
                  answered_by());
  };
  waiting_for_operator_ = true;
  if (s.kind == StepKind::kConfirm) {
    ctx_.person.confirm(s.text, answer);
  } else {
    ctx_.person.acknowledge(s.text, answer);
  }
}

void Executor::Impl::save_group(const Phase& phase, int number, const Step& s) {
  append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  refresh_groups();
  try {
    std::string note;
    NodeSet set;
    const std::string missing = missing_run_group(s.nodes, saved_groups_);
    if (!missing.empty() && !s.fallback.empty()) {
      // Startup alone: no list was saved at shutdown, the site's is used.
      Step fallback = s;
      fallback.nodes = s.fallback;
      set = step_nodes(fallback, ctx_.site, ctx_.groups, excluded());
      note = fmt::format(" (from {}: this run has no @run:{})", s.fallback, missing);
    } else {
      set = step_nodes(s, ctx_.site, ctx_.groups, excluded());
    }
    const std::string nodes = set.fold();
    saved_groups_[s.group] = nodes;
    install_saved_groups();
    step_done(phase, number, fmt::format("@run:{}={}{}", s.group, nodes, note));
  } catch (const std::exception& error) {
    if (options_.dry_run)
      return step_done(phase, number, fmt::format("dry run: {} resolved at run time", s.nodes));
    step_failed(phase, number, error.what(), "");
  }
}

void Executor::Impl::install_saved_groups() {
  std::map<std::string, std::string, std::less<>> groups(saved_groups_.begin(),
                                                         saved_groups_.end());
  ctx_.groups.add_source("run", std::make_shared<StaticGroupSource>(std::move(groups)));
}

Endpoint Executor::Impl::self_endpoint() const {
  Endpoint endpoint = ctx_.endpoint_for(ctx_.site.self_name());
  endpoint.local = true;
  return endpoint;
}

void Executor::Impl::run_on_nodes(const Phase& phase, int number, const Step& s,
                                  const std::optional<std::string>& only_nodes) {
  std::vector<detail::Job> jobs;
  // Fresh when the operator was just shown this step's resolution.
  if (!std::exchange(groups_fresh_, false)) refresh_groups();
  try {
    const ResolvedStep resolved = resolve_step(s, ctx_.site, ctx_.groups, only_nodes, excluded());
    if (resolved.nothing_to_do) {
      // An empty set is a legitimate state (no VM left running): the step
      // has nothing to act on, and says which set was empty.
      append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
      const std::string why = empty_reason(resolved);
      append_step(JournalEvent::kStepSkipped, phase, number, why);
      report(fmt::format("  step {} skipped: {}", number, why));
      return next_item();
    }
    for (const auto& job : resolved.jobs) {
      Command command = Command::shell(job.command);
      command.timeout = resolved.timeout;
      command.started = [this, alive = alive_, &phase, number, node = job.node](int pid) {
        if (*alive && !finished_) local_started(phase, number, node, pid);
      };
      jobs.push_back({job.node, job.on_self ? self_endpoint() : ctx_.endpoint_for(job.node),
                      std::move(command)});
    }
  } catch (const std::exception& error) {
    append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    if (options_.dry_run) {
      report(fmt::format("  step {}: would {} (node sets resolved at run time)", number,
                         describe_step(s)));
      return step_done(phase, number, "dry run: resolved at run time");
    }
    return step_failed(phase, number, error.what(), "");
  }
  append_step(JournalEvent::kStepStarted, phase, number,
              fmt::format("{} on {} node{}{}", describe_step(s), jobs.size(),
                          jobs.size() == 1 ? "" : "s", only_nodes ? " (failed nodes only)" : ""));
  std::vector<std::string> remote;
  for (const auto& job : jobs) {
    if (!job.endpoint.local) remote.push_back(job.node);
  }
  if (!remote.empty() && !options_.dry_run)
    append_step(JournalEvent::kStepRemote, phase, number, NodeSet::from_names(remote).fold());
  report(fmt::format("  step {}: {} ({} node{})", number,
                     s.kind == StepKind::kRun
                         ? jobs.front().command.text()
                         : fmt::format("{}: {}{}", describe_step(s), jobs.front().command.text(),
                                       jobs.size() > 1 ? " ..." : ""),
                     jobs.size(), jobs.size() == 1 ? "" : "s"));
  auto attempt = std::make_shared<Attempt>();
  attempt->retries_left = s.retries;
  for (const auto& job : jobs) attempt->order.push_back(job.node);
  attempt->jobs = std::move(jobs);
  launch(phase, number, s, attempt, attempt->jobs);
}

void Executor::Impl::launch(const Phase& phase, int number, const Step& s,
                            std::shared_ptr<Attempt> attempt, std::vector<detail::Job> jobs) {
  const int fanout = s.fanout > 0 ? s.fanout : ctx_.site.ssh.fanout;
  detail::run_jobs(
      ctx_.runner, std::move(jobs), fanout,
      [this, alive = alive_, &phase, number, &s, attempt](std::vector<RunResult> results) {
        if (!*alive || finished_) return;
        for (auto& result : results) attempt->latest[result.node] = std::move(result);
        attempted(phase, number, s, attempt);
      });
}

void Executor::Impl::attempted(const Phase& phase, int number, const Step& s,
                               std::shared_ptr<Attempt> attempt) {
  std::vector<detail::Job> again;
  for (const auto& job : attempt->jobs) {
    if (!detail::succeeded(attempt->latest[job.node], s.allowed_exit_codes)) again.push_back(job);
  }
  if (static_cast<int>(again.size()) > s.max_failed_nodes && attempt->retries_left > 0) {
    --attempt->retries_left;
    std::vector<RunResult> failed;
    for (const auto& job : again) failed.push_back(attempt->latest[job.node]);
    report(fmt::format("  step {}: {} failed ({}); retrying them in {}s ({} retr{} left)", number,
                       detail::fold_nodes(failed),
                       detail::failure_summary(failed, s.kind == StepKind::kPower),
                       s.retry_delay.count() / 1000, attempt->retries_left,
                       attempt->retries_left == 1 ? "y" : "ies"));
    retry_timer_.expires_after(s.retry_delay);
    retry_timer_.async_wait([this, alive = alive_, &phase, number, &s, attempt,
                             again](const boost::system::error_code& ec) {
      if (ec || !*alive || finished_) return;
      launch(phase, number, s, attempt, again);
    });
    return;
  }
  std::vector<RunResult> all, failed;
  for (const auto& node : attempt->order) {
    all.push_back(attempt->latest[node]);
    if (!detail::succeeded(all.back(), s.allowed_exit_codes)) failed.push_back(all.back());
  }
  for (const auto& line : detail::folded_results(all)) report(line);
  if (static_cast<int>(failed.size()) > s.max_failed_nodes) {
    const std::string nodes = detail::fold_nodes(failed);
    return step_failed(phase, number,
                       fmt::format("failed on {} ({})", nodes,
                                   detail::failure_summary(failed, s.kind == StepKind::kPower)),
                       nodes);
  }
  // A dry run ran nothing: it says what would have run, never "ok".
  std::string summary = fmt::format("{} on {} node{}", options_.dry_run ? "dry run: would run" : "ok",
                                    all.size() - failed.size(),
                                    all.size() - failed.size() == 1 ? "" : "s");
  if (!failed.empty()) {
    summary += fmt::format(", {} failed within the budget of {} ({})", failed.size(),
                           s.max_failed_nodes, detail::failure_summary(failed));
  }
  step_done(phase, number, summary);
}

void Executor::Impl::step_failed(const Phase& phase, int number, const std::string& reason,
                                 const std::string& failed_nodes) {
  live_groups_.clear();
  step_durations_[{phase.name, number}] =
      std::chrono::duration_cast<milliseconds>(Clock::now() - step_started_[{phase.name, number}]);
  append_step(JournalEvent::kStepFailed, phase, number, reason);
  step_failed_pause(phase, number, reason, failed_nodes);
}

void Executor::Impl::step_failed_pause(const Phase& phase, int number, const std::string& reason,
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
  ask(pause, [this, &phase, number, failed_nodes](const Decision& decision) {
    if (decision.kind == Decision::Kind::kSkip) {
      append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
      return next_item();
    }
    if (decision.kind == Decision::Kind::kRetryFailedNodes && !failed_nodes.empty())
      return execute(phase, number, failed_nodes);
    execute(phase, number, std::nullopt);
  });
}

void Executor::Impl::self_poweroff(const Phase& phase, int number, const Step& s) {
  std::string text;
  try {
    refresh_groups();
    text = s.command->render(ctx_.groups, excluded()).text;
  } catch (const std::exception& error) {
    append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
    return step_failed(phase, number, error.what(), "");
  }
  append_step(JournalEvent::kStepStarted, phase, number, describe_step(s));
  // Recorded before the command: the process may not live to record more.
  append_step(JournalEvent::kSelfPoweroff, phase, number,
              fmt::format("boot {} host {}: {}", options_.boot_id, options_.host_name, text));
  report(fmt::format(
      "  step {}: this host powers off now ({}); after it boots: greenlight runbook resume {}",
      number, text, run_id_));
  Command command = Command::shell(text);
  command.timeout = s.timeout.count() > 0 ? s.timeout : ctx_.site.ssh.command_timeout;
  ctx_.runner.run(
      self_endpoint(), command, [this, alive = alive_, &phase, number, &s](RunResult result) {
        if (!*alive || finished_) return;
        if (!detail::succeeded(result, s.allowed_exit_codes)) {
          return step_failed(phase, number,
                             fmt::format("failed on {} ({})", result.node, result.reason), "");
        }
        if (options_.dry_run)
          return step_done(phase, number, "dry run: the host would power off here");
        report(fmt::format("run {} is waiting for this host to come back up", run_id_));
        finish(RunOutcome::kPoweredOff);
      });
}

}  // namespace greenlight::runbook
