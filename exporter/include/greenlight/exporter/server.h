// The HTTP server of `greenlight serve`:
//   /metrics         the checks' series in the Prometheus text format
//   /api/v1/checks   the latest results as JSON
//   /-/healthy       200 while the server runs
//   /-/ready         200 once every check has run, 503 before
// CivetWeb types stay inside this module.
#pragma once

#include <memory>
#include <string>

#include "greenlight/exporter/snapshot.h"

namespace greenlight::exporter {

class Server {
 public:
  /// Listens on `listen` ("127.0.0.1:9877", "[::1]:9877"; port 0 picks a
  /// free one). Throws std::runtime_error naming the address when it cannot.
  Server(const std::string& listen, const Snapshot& snapshot, std::string version);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The /metrics body for `snapshot` (exposed for tests).
std::string render_metrics(const Snapshot& snapshot, const std::string& version);
/// The /api/v1/checks body.
std::string render_checks_json(const Snapshot& snapshot);

}  // namespace greenlight::exporter
