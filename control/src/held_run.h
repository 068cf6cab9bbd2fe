// One run executed by the daemon: its runbook::RunHost (the lock, the
// journal, the notifier, the Executor), and the operator side of it, which
// forwards progress lines and questions to the clients attached to it and
// holds a question open until one of them answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenlight/control/control_socket.h"
#include "greenlight/control/daemon_runs.h"
#include "greenlight/control/protocol.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/run_host.h"

namespace greenlight::control {

class HeldRun : public runbook::Operator {
 public:
  /// `host` holds the run, its journal opened (RunHost::open_new or
  /// open_resumed). `changed` is called (on the io_context's thread)
  /// whenever there is something new to publish.
  HeldRun(asio::io_context& io, const runbook::Runbook& book, RunPlace place,
          std::unique_ptr<runbook::RunHost> host, std::function<void()> changed);
  ~HeldRun() override;

  /// Starts the run (RunHost::start, with this as its operator and serve's
  /// log of its transitions); `done` is called once with the outcome.
  /// Throws what Executor::start throws.
  void start(runbook::ExecutorOptions options, std::function<void(runbook::RunOutcome)> done);

  /// Sends `accepted`, the latest progress lines, where the run stands, and
  /// the open question, then everything new until the client goes away.
  void attach(const std::shared_ptr<Connection>& client);
  void detach(const Connection* client);
  /// Sends `client` the open question again, if one is (after its answer
  /// was refused).
  void ask_again(const std::shared_ptr<Connection>& client) const;
  /// An answer to the open question; empty when taken, else why not (for
  /// a question already answered: who answered it and what). A refused
  /// answer is reported to every attached terminal with who gave it.
  std::string answer(const Request& request, const Peer& by);
  /// Ends the run as aborted: answers `abort` to an open pause that offers
  /// it (the executor journals it), otherwise RunHost::abort (the executor
  /// stopped, the abort journaled with who asked for it: `by`, the control
  /// socket's peer). Throws JournalError.
  void abort(const std::string& reason, const Peer& by);
  /// Stops the executor without journaling more; tells the clients `outcome`.
  void end(const std::string& outcome, const std::string& message);

  const std::string& id() const { return host_->run(); }
  bool ended() const { return ended_; }
  /// The run as the exporter shows it, and the gate it waits on.
  exporter::RunState publication(std::chrono::system_clock::time_point now,
                                 const exporter::RunState* previous) const;
  std::vector<exporter::GateState> gates(std::chrono::system_clock::time_point now) const;

  // runbook::Operator
  void confirm(const std::string& text, std::function<void(bool)> reply) override;
  void acknowledge(const std::string& instruction, std::function<void(bool)> done) override;
  void decide(const runbook::Pause& pause, std::function<void(runbook::Decision)> reply) override;
  void report(const std::string& line) override;
  std::string answered_by() const override { return answered_by_; }

 private:
  std::string answered_by_;  ///< who gave the last answer, for the journal
  /// The last question answered (0: none yet) and "answered by WHO: WHAT".
  std::uint64_t last_answered_ = 0;
  std::string last_answer_;
  std::string refuse_answer(const Request& request, const Peer& by, std::string why);
  void ask(Question question);
  void broadcast(const Event& event);
  std::string summary() const;
  runbook::RunSnapshot current() const;

  asio::io_context& io_;
  const runbook::Runbook& book_;
  RunPlace place_;
  std::unique_ptr<runbook::RunHost> host_;
  std::function<void()> changed_;
  std::vector<std::shared_ptr<Connection>> clients_;
  std::deque<std::string> lines_;  ///< the latest progress lines, for clients attaching
  std::optional<Question> question_;
  std::function<void(bool)> on_yes_no_;
  std::function<void(runbook::Decision)> on_decision_;
  bool ended_ = false;
};

}  // namespace greenlight::control
