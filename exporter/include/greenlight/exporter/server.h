// The HTTP server of `greenlight serve`:
//   /                the status page (self-contained HTML, polls the API)
//   /metrics         the checks' series in the Prometheus text format
//   /api/v1/checks   the latest results as JSON
//   /api/v1/runs     the runs collected from their source (JSON)
//   /api/v1/gates    their gates (JSON)
//   /api/v1/readiness which gates of each runbook would block now (JSON)
//   /-/healthy       200 while the server runs
//   /-/ready         200 once every site's check has run, 503 before
// CivetWeb types stay inside this module.
#pragma once

#include <memory>
#include <string>

#include "greenlight/exporter/access.h"
#include "greenlight/exporter/snapshot.h"

namespace greenlight::exporter {

/// Where and how the server listens (the site's `exporter:` settings).
struct ServerOptions {
  std::string listen;           ///< "127.0.0.1:9877"; port 0 picks one (IPv4 only)
  std::string tls_certificate;  ///< PEM; with tls_key, serve HTTPS only
  std::string tls_key;
  std::string basic_auth_file;    ///< see Access
  std::string bearer_token_file;  ///< see Access
};

class Server {
 public:
  /// Every endpoint but /-/healthy answers 401 without valid credentials
  /// when an authentication file is set. Throws std::runtime_error naming
  /// the address or the file when it cannot listen or read them.
  Server(const ServerOptions& options, const Snapshot& snapshot, std::string version);
  /// Listens on `listen` ("127.0.0.1:9877"; port 0 picks a
  /// free one) and serves `snapshot`, which must outlive the server. Throws
  /// std::runtime_error naming the address when it cannot.
  Server(const std::string& listen, const Snapshot& snapshot, std::string version);
  /// Stops serving; requests in progress complete first.
  ~Server();
  /// Reads the authentication files again (SIGHUP); requests in progress
  /// finish with the previous ones. Throws std::runtime_error naming the
  /// file and line, and keeps the previous ones, when a file is not valid.
  void reload_access(const ServerOptions& settings);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The /metrics body for `snapshot` (exposed for tests).
std::string render_metrics(const Snapshot& snapshot, const std::string& version);
/// The /api/v1/checks body: {"now", "checks": [{check, kind, host, status,
/// message, started, finished, last_success, last_ok}]}.
std::string render_checks_json(const Snapshot& snapshot);
/// The /api/v1/runs body: {"now", "runs": [{id, runbook, state, started,
/// phases: [{name, state, started, finished}]}]}.
std::string render_runs_json(const Snapshot& snapshot);
/// The /api/v1/gates body: {"now", "gates": [{name, run, phase, status,
/// message, checks, waiting_since}]}.
std::string render_gates_json(const Snapshot& snapshot);
/// The /api/v1/readiness body: {"now", "judged", "runbooks": [{runbook,
/// blocks, summary, gates: [{gate, phase, description, before_first_step,
/// blocks, checks: [{check, evaluated, nodes, status, message, blocks, why,
/// evidence}]}]}]}; judged is null until serve has judged the runbooks.
std::string render_readiness_json(const Snapshot& snapshot);
/// The status page served on `/`.
const std::string& status_page_html();

}  // namespace greenlight::exporter
