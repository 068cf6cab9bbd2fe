// The commands a step starts, seen from a crash: a step found started but
// never finished is put to the operator with what may still run, and is not
// started a second time while its earlier command lives (unless the
// operator forces it).
#include "interrupted_step.h"

#include <fmt/format.h>

#include "greenlight/runbook/run_outline.h"
#include "step_processes.h"

namespace greenlight::runbook {

namespace {

// Steps that only ask the operator or record a node set: running them again
// after a crash has no effect on the cluster.
bool harmless_to_repeat(const Step& step) {
  return step.idempotent || step.kind == StepKind::kConfirm || step.kind == StepKind::kManual ||
         step.kind == StepKind::kSaveGroup;
}

// "boot ID host NAME: command" (or "boot ID: command", before host names
// were journaled) as journaled by self_poweroff: ID.
std::string boot_of(const std::string& detail) {
  if (detail.compare(0, 5, "boot ") != 0) return {};
  const auto end = detail.find_first_of(" :", 5);
  return end == std::string::npos ? std::string() : detail.substr(5, end - 5);
}

// NAME, empty when the record has no host (journals written before it had one).
std::string host_of_poweroff(const std::string& detail) {
  const auto colon = detail.find(':');
  const auto at = detail.find(" host ");
  if (at == std::string::npos || colon == std::string::npos || at > colon) return {};
  return detail.substr(at + 6, colon - at - 6);
}

// The pause of a step found interrupted; the caller says why and the choices.
Pause interrupted_pause(const Phase& phase, int number) {
  Pause pause;
  pause.cause = Pause::Cause::kStepInterrupted;
  pause.phase = phase.name;
  pause.step = number;
  return pause;
}

}  // namespace

InterruptedStep::InterruptedStep(Operator& person, const ExecutorOptions& options,
                                 const std::string& run_id, RunJournal& journal,
                                 RunQuestions& questions, RunFlow& flow)
    : person_(person),
      options_(options),
      run_id_(run_id),
      journal_(journal),
      questions_(questions),
      flow_(flow) {}

void InterruptedStep::resolve(const Phase& phase, int number, const Step& s,
                              std::function<void()> run_again) {
  const auto poweroff = s.kind == StepKind::kSelfPoweroff
                            ? journal_.self_poweroff_record(phase.name, number)
                            : std::nullopt;
  if (s.kind == StepKind::kSelfPoweroff && !poweroff) {
    // The command runs only after its self-poweroff record: it never ran.
    return run_again();
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
    return questions_.pause(pause, [this, &phase, number](const Decision& decision) {
      if (decision.kind == Decision::Kind::kSkip) {
        journal_.append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
        return flow_.next_item();
      }
    });
  }
  if (poweroff && boot_of(*poweroff) != options_.boot_id) {
    journal_.append_step(JournalEvent::kStepFinished, phase, number, "the host came back up");
    person_.report(fmt::format("  step {}: this host powered off and came back up", number));
    return flow_.next_item();
  }
  const auto commands = detail::step_commands_of(journal_.records(), phase.name, number);
  const auto running = detail::still_running(commands);
  if (harmless_to_repeat(s) && running.empty()) {
    person_.report(
        fmt::format("  step {} was interrupted; it is safe to repeat: running it again", number));
    return run_again();
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
  questions_.pause(pause, [this, &phase, number, &s, run_again](const Decision& decision) {
    if (decision.kind == Decision::Kind::kSkip) {
      journal_.append_step(JournalEvent::kStepSkipped, phase, number, decision.reason);
      return flow_.next_item();
    }
    if (decision.kind == Decision::Kind::kRetry) {
      const auto now_running =
          detail::still_running(detail::step_commands_of(journal_.records(), phase.name, number));
      if (!now_running.empty()) {
        person_.report(fmt::format(
            "  retry refused: step {} still runs (process group {}, pid {}); not starting a "
            "second copy",
            number, now_running.front().process.mark.pgid, now_running.front().pid));
        return resolve(phase, number, s, run_again);
      }
    }
    run_again();
  });
}

}  // namespace greenlight::runbook
