// The commands a step starts, seen from a crash or a stop: each local
// process group is journaled when it starts; an orderly stop ends them and
// journals it; a step found started but never finished is put to the
// operator with what may still run, and is not started a second time while
// its earlier command lives (unless the operator forces it).
#include <fmt/format.h>

#include <csignal>

#include "executor_impl.h"
#include "step_processes.h"

namespace greenlight::runbook {

void Executor::Impl::local_started(const Phase& phase, int number, const std::string& node,
                                   int pid) {
  live_groups_.push_back({phase.name, number, mark_process_group(pid)});
  append_step(JournalEvent::kStepProcess, phase, number,
              detail::step_process_detail(live_groups_.back().mark, node));
}

std::size_t Executor::Impl::stop(const std::string& why, milliseconds grace) {
  if (finished_) return 0;
  finished_ = true;
  retry_timer_.cancel();
  if (gate_wait_) gate_wait_->cancel();
  std::vector<ProcessGroupMark> groups;
  for (const auto& live : live_groups_) groups.push_back(live.mark);
  const auto ended = end_process_groups(groups, grace);
  try {
    for (const auto& live : live_groups_) {
      const auto it = ended.find(live.mark.pgid);
      if (it == ended.end()) continue;
      journal_.append(JournalEvent::kStepProcessEnded, live.phase, std::to_string(live.number),
                      detail::step_process_ended_detail(live.mark.pgid, it->second, why));
      report(fmt::format("  step {}: ended its command (process group {}, SIG{}): {}", live.number,
                         live.mark.pgid, it->second == SIGKILL ? "KILL" : "TERM", why));
    }
  } catch (const JournalError& error) {
    report(
        fmt::format("  the end of the step's commands could not be journaled: {}", error.what()));
  }
  live_groups_.clear();
  return ended.size();
}

namespace {

// The pause of a step found interrupted; the caller says why and the choices.
Pause interrupted_pause(const Phase& phase, int number) {
  Pause pause;
  pause.cause = Pause::Cause::kStepInterrupted;
  pause.phase = phase.name;
  pause.step = number;
  return pause;
}

}  // namespace

void Executor::Impl::interrupted(const Phase& phase, int number, const Step& s) {
  const auto poweroff =
      s.kind == StepKind::kSelfPoweroff ? self_poweroff_record(phase.name, number) : std::nullopt;
  if (s.kind == StepKind::kSelfPoweroff && !poweroff) {
    // The command runs only after its self-poweroff record: it never ran.
    return execute(phase, number, std::nullopt);
  }
  const std::string powered_off_host = poweroff ? host_of_poweroff(*poweroff) : std::string();
  if (poweroff && !powered_off_host.empty() && powered_off_host != options_.host_name) {
    // Another machine's boot id always differs: that proves nothing about
    // the host that powered itself off.
    Pause pause = interrupted_pause(phase, number);
    pause.explanation = fmt::format(
        "step {} of phase {} powered off host {}, and this is {}: whether {} came back up cannot "
        "be told from here. Resume the run on {} once it has booted (its greenlight serve, or "
        "greenlight runbook resume {} there); skip only if you checked that {} is up.",
        number, phase.name, powered_off_host, options_.host_name, powered_off_host,
        powered_off_host, run_id_, powered_off_host);
    pause.choices = {Decision::Kind::kSkip, Decision::Kind::kAbort};
    return ask(pause, [this, &phase, number](const Decision& decision) {
      if (decision.kind == Decision::Kind::kSkip) {
        append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
        return next_item();
      }
    });
  }
  if (poweroff && boot_of(*poweroff) != options_.boot_id) {
    append_step(JournalEvent::kStepFinished, phase, number, "the host came back up");
    report(fmt::format("  step {}: this host powered off and came back up", number));
    return next_item();
  }
  const auto commands = detail::step_commands_of(records_, phase.name, number);
  const auto running = detail::still_running(commands);
  if (harmless_to_repeat(s) && running.empty()) {
    report(
        fmt::format("  step {} was interrupted; it is safe to repeat: running it again", number));
    return execute(phase, number, std::nullopt);
  }
  Pause pause = interrupted_pause(phase, number);
  pause.explanation = fmt::format(
      "step {} of phase {} ({}) was started but never recorded as finished: greenlight "
      "stopped while it ran (crash, kill or reboot). It may or may not have taken effect. "
      "Check, then retry (run it again) or skip (it did its work).",
      number, phase.name, describe_step(s));
  if (s.kind == StepKind::kSelfPoweroff) {
    pause.explanation = fmt::format(
        "step {} of phase {} ({}) should have powered this host off, but the host has not "
        "rebooted since (same boot id {}). Retry runs the command again; skip goes on as if "
        "the host had come back up.",
        number, phase.name, describe_step(s), options_.boot_id);
  }
  for (const auto& line : detail::describe_step_commands(number, commands, running))
    pause.explanation += "\n" + line;
  pause.choices = {Decision::Kind::kRetry, Decision::Kind::kSkip, Decision::Kind::kAbort};
  if (!running.empty()) {
    const detail::StillRunning& first = running.front();
    pause.explanation += fmt::format(
        "\nretry refuses to start a second copy while it runs: wait for it to end, or end it "
        "(kill -TERM -- -{}), then retry; 'retry --force' starts one beside it.",
        first.process.mark.pgid);
    pause.choices.insert(pause.choices.begin() + 1, Decision::Kind::kForceRetry);
  }
  ask(pause, [this, &phase, number, &s](const Decision& decision) {
    if (decision.kind == Decision::Kind::kSkip) {
      append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
      return next_item();
    }
    if (decision.kind == Decision::Kind::kRetry) {
      const auto now_running =
          detail::still_running(detail::step_commands_of(records_, phase.name, number));
      if (!now_running.empty()) {
        report(fmt::format(
            "  retry refused: step {} still runs (process group {}, pid {}); not starting a "
            "second copy",
            number, now_running.front().process.mark.pgid, now_running.front().pid));
        return interrupted(phase, number, s);
      }
    }
    execute(phase, number, std::nullopt);
  });
}

}  // namespace greenlight::runbook
