#include "step_attempts.h"

#include <fmt/format.h>

#include <csignal>
#include <utility>

#include "step_commands.h"
#include "step_processes.h"

namespace greenlight::runbook {

StepAttempts::StepAttempts(const Executor::Context& context, const ExecutorOptions& options,
                           RunJournal& journal, RunFlow& flow)
    : ctx_(context), options_(options), journal_(journal), flow_(flow), retry_timer_(context.io) {}

void StepAttempts::run(const Phase& phase, int number, const Step& s, std::vector<detail::Job> jobs,
                       std::function<void(End)> done) {
  for (auto& job : jobs) {
    job.command.started = [this, going = flow_.lifeline(), &phase, number,
                           node = job.node](int pid) {
      if (going()) started(phase, number, node, pid);
    };
  }
  auto attempt = std::make_shared<Attempt>();
  attempt->retries_left = s.retries;
  attempt->done = std::move(done);
  for (const auto& job : jobs) attempt->order.push_back(job.node);
  attempt->jobs = std::move(jobs);
  launch(phase, number, s, attempt, attempt->jobs);
}

void StepAttempts::started(const Phase& phase, int number, const std::string& node, int pid) {
  live_groups_.push_back({phase.name, number, mark_process_group(pid)});
  journal_.append_step(JournalEvent::kStepProcess, phase, number,
                       detail::step_process_detail(live_groups_.back().mark, node));
}

void StepAttempts::launch(const Phase& phase, int number, const Step& s,
                          std::shared_ptr<Attempt> attempt, std::vector<detail::Job> jobs) {
  const int fanout = s.fanout > 0 ? s.fanout : ctx_.site.ssh.fanout;
  detail::run_jobs(ctx_.runner, std::move(jobs), fanout,
                   [this, going = flow_.lifeline(), &phase, number, &s,
                    attempt](std::vector<RunResult> results) {
                     if (!going()) return;
                     for (auto& result : results) attempt->latest[result.node] = std::move(result);
                     attempted(phase, number, s, attempt);
                   });
}

void StepAttempts::attempted(const Phase& phase, int number, const Step& s,
                             std::shared_ptr<Attempt> attempt) {
  std::vector<detail::Job> again;
  for (const auto& job : attempt->jobs) {
    if (!detail::succeeded(attempt->latest[job.node], s.allowed_exit_codes)) again.push_back(job);
  }
  if (static_cast<int>(again.size()) > s.max_failed_nodes && attempt->retries_left > 0) {
    --attempt->retries_left;
    std::vector<RunResult> failed;
    for (const auto& job : again) failed.push_back(attempt->latest[job.node]);
    ctx_.person.report(fmt::format(
        "  step {}: {} failed ({}); retrying them in {}s ({} retr{} left)", number,
        detail::fold_nodes(failed), detail::failure_summary(failed, s.kind == StepKind::kPower),
        s.retry_delay.count() / 1000, attempt->retries_left,
        attempt->retries_left == 1 ? "y" : "ies"));
    retry_timer_.expires_after(s.retry_delay);
    retry_timer_.async_wait([this, going = flow_.lifeline(), &phase, number, &s, attempt,
                             again](const boost::system::error_code& ec) {
      if (ec || !going()) return;
      launch(phase, number, s, attempt, again);
    });
    return;
  }
  live_groups_.clear();
  std::vector<RunResult> all, failed;
  for (const auto& node : attempt->order) {
    all.push_back(attempt->latest[node]);
    if (!detail::succeeded(all.back(), s.allowed_exit_codes)) failed.push_back(all.back());
  }
  for (const auto& line : detail::folded_results(all)) ctx_.person.report(line);
  if (static_cast<int>(failed.size()) > s.max_failed_nodes) {
    const std::string nodes = detail::fold_nodes(failed);
    return attempt->done({true,
                          fmt::format("failed on {} ({})", nodes,
                                      detail::failure_summary(failed, s.kind == StepKind::kPower)),
                          nodes});
  }
  // A dry run ran nothing: it says what would have run, never "ok".
  std::string summary =
      fmt::format("{} on {} node{}", options_.dry_run ? "dry run: would run" : "ok",
                  all.size() - failed.size(), all.size() - failed.size() == 1 ? "" : "s");
  if (!failed.empty()) {
    summary += fmt::format(", {} failed within the budget of {} ({})", failed.size(),
                           s.max_failed_nodes, detail::failure_summary(failed));
  }
  attempt->done({false, std::move(summary), ""});
}

std::size_t StepAttempts::stop(const std::string& why, std::chrono::milliseconds grace) {
  retry_timer_.cancel();
  std::vector<ProcessGroupMark> groups;
  for (const auto& live : live_groups_) groups.push_back(live.mark);
  const auto ended = end_process_groups(groups, grace);
  try {
    for (const auto& live : live_groups_) {
      const auto it = ended.find(live.mark.pgid);
      if (it == ended.end()) continue;
      journal_.append_at_stop(JournalEvent::kStepProcessEnded, live.phase,
                              std::to_string(live.number),
                              detail::step_process_ended_detail(live.mark.pgid, it->second, why));
      ctx_.person.report(fmt::format("  step {}: ended its command (process group {}, SIG{}): {}",
                                     live.number, live.mark.pgid,
                                     it->second == SIGKILL ? "KILL" : "TERM", why));
    }
  } catch (const JournalError& error) {
    ctx_.person.report(
        fmt::format("  the end of the step's commands could not be journaled: {}", error.what()));
  }
  live_groups_.clear();
  return ended.size();
}

}  // namespace greenlight::runbook
