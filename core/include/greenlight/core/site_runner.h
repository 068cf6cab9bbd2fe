// Where a node's commands go: the site's own host (`self`) runs them locally,
// every other host over SSH with its address, port and user from the site
// configuration. A name the configuration does not know is used as the
// address, with the site's SSH defaults (as clush does).
#pragma once

#include <string_view>

#include "greenlight/core/config.h"
#include "greenlight/core/runner.h"
#include "greenlight/core/ssh.h"

namespace greenlight {

/// The endpoint of `node` in `site` (may be null: no configuration, every
/// name is its own address). Names Site::is_self accepts ("self",
/// "localhost", the self host's name) are local, named Site::self_name();
/// every other node goes over SSH.
Endpoint site_endpoint(const config::Site* site, std::string_view node);

/// SshOptions from the configuration's `ssh:` settings.
SshOptions ssh_options(const config::SshSettings& settings);

/// Routes local endpoints to a LocalRunner and the others to an SshRunner.
/// Thread: the io_context's, as every CommandRunner.
class SiteRunner : public CommandRunner {
 public:
  SiteRunner(asio::io_context& io, SshOptions options) : local_(io), ssh_(io, std::move(options)) {}
  void run(const Endpoint& endpoint, const Command& command,
           std::function<void(RunResult)> done) override;
  /// Both runners: local process groups and SSH channels alike.
  void interrupt() override {
    local_.interrupt();
    ssh_.interrupt();
  }
  SshRunner& ssh() { return ssh_; }

 private:
  LocalRunner local_;
  SshRunner ssh_;
};

}  // namespace greenlight
