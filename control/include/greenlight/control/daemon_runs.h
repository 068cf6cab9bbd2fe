// The runs `greenlight serve` executes: requests from the control socket
// (exec, resume, attach, abort, answer), one Executor per run on serve's
// io_context, their questions held open until an attached client answers,
// and their state, published on each transition and every second while they
// run, for the exporter to collect (exporter::RunCollectable).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "greenlight/control/control_socket.h"
#include "greenlight/control/protocol.h"
#include "greenlight/core/asio.h"
#include "greenlight/core/config.h"
#include "greenlight/core/group_source.h"
#include "greenlight/core/runner.h"
#include "greenlight/exporter/run_collectable.h"
#include "greenlight/runbook/executor.h"
#include "greenlight/runbook/gate.h"
#include "greenlight/runbook/journal.h"
#include "greenlight/runbook/runbook.h"

namespace greenlight::control {

/// What a run needs from the configuration serve has in force when the run
/// starts. Everything pointed to must outlive the runs started with it
/// (serve keeps a replaced configuration until it exits).
struct RunPlace {
  const config::Site* site = nullptr;
  const std::vector<runbook::Runbook>* books = nullptr;
  GroupResolver* groups = nullptr;
  CommandRunner* runner = nullptr;
  runbook::CheckResults* results = nullptr;  ///< fed by serve's check scheduler
  std::function<Endpoint(const std::string& node)> endpoint_for;
  std::filesystem::path runs;  ///< the state directory of runs
  std::string refusal;         ///< not empty: no run may start, and why
  /// Reads dynamic groups (@vm:...) afresh before a step or gate uses them
  /// (ExecutorOptions::refresh_groups); may be empty.
  std::function<void()> refresh_groups;
};

class HeldRun;

/// Not thread-safe: use on the io_context's thread only, but for collect(),
/// which the exporter calls from any thread.
class DaemonRuns : public exporter::RunCollectable {
 public:
  /// Logs one line per request from the control socket (greenlight/core/
  /// log.h): what was asked, by whom (uid, user, pid) and whether it was
  /// accepted (info, with the run) or refused (warning, with why). Each
  /// run it executes logs its transitions (HeldRun).
  DaemonRuns(asio::io_context& io, std::function<RunPlace()> place);
  ~DaemonRuns() override;
  DaemonRuns(const DaemonRuns&) = delete;
  DaemonRuns& operator=(const DaemonRuns&) = delete;

  /// Serves an authorised client's requests until it goes away. A client
  /// going away detaches from its run; the run goes on.
  void serve(std::shared_ptr<Connection> connection);
  /// The runs executing now.
  std::vector<std::string> active() const;
  /// Ends every run here and now, journaling nothing more (serve stops, or
  /// a journal write failed): each stays as its journal says, to resume.
  /// Attached clients get `ended` "stopped" with `why`.
  void stop_all(const std::string& why);
  /// The runs and gates as last published (the runs executing and the last
  /// ones that ended here, with the run states' words from runbook). Any
  /// thread; never waits on the io_context.
  std::shared_ptr<const exporter::CollectedRuns> collect() const override;

 private:
  void handle(const std::shared_ptr<Connection>& connection, const std::string& line);
  void refuse(const std::shared_ptr<Connection>& connection, std::string message,
              std::string code = {});
  void logged(const Connection& connection, const std::string& what) const;
  void exec(const std::shared_ptr<Connection>& connection, const Request& request);
  void resume(const std::shared_ptr<Connection>& connection, const Request& request);
  void attach(const std::shared_ptr<Connection>& connection, const Request& request);
  void abort(const std::shared_ptr<Connection>& connection, const Request& request);
  void answer(const std::shared_ptr<Connection>& connection, const Request& request);
  void start(std::unique_ptr<HeldRun> run, const std::shared_ptr<Connection>& connection,
             const runbook::ExecutorOptions& options);
  void ended(const std::string& run);
  void publish_soon();
  void publish();
  void tick();

  asio::io_context& io_;
  std::function<RunPlace()> place_;
  std::string refused_;  ///< the request being handled: its first refusal
  std::string started_;  ///< the request being handled: the run it started
  std::map<std::string, std::unique_ptr<HeldRun>> runs_;
  /// Runs that ended, destroyed once the call that ended them returned (and
  /// before serve's configuration goes, at the latest).
  std::vector<std::unique_ptr<HeldRun>> finished_;
  std::vector<exporter::RunState> ended_;  ///< the last runs that ended here, newest last
  std::map<std::string, exporter::RunState> published_;
  asio::steady_timer timer_;
  bool publication_pending_ = false;
  mutable std::mutex publication_mutex_;  ///< held only to copy or replace `publication_`
  std::shared_ptr<const exporter::CollectedRuns> publication_ =
      std::make_shared<const exporter::CollectedRuns>();
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace greenlight::control
