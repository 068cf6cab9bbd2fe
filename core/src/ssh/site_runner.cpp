#include "greenlight/core/site_runner.h"

namespace greenlight {

Endpoint site_endpoint(const config::Site* site, std::string_view node) {
  Endpoint endpoint;
  endpoint.node = std::string(node);
  if (site == nullptr) {
    endpoint.address = endpoint.node;
    endpoint.local = node == "self";
    return endpoint;
  }
  endpoint.port = site->ssh.port;
  endpoint.user = site->ssh.user;
  endpoint.local = site->is_self(node);
  const config::Host* host = endpoint.local ? site->self_host() : site->host(node);
  if (host == nullptr) {
    if (endpoint.local) endpoint.node = site->self_name();
    endpoint.address = endpoint.node;
    return endpoint;
  }
  endpoint.node = host->name;
  endpoint.address = host->address.empty() ? host->name : host->address;
  if (host->port != 0) endpoint.port = host->port;
  if (!host->user.empty()) endpoint.user = host->user;
  return endpoint;
}

SshOptions ssh_options(const config::SshSettings& settings) {
  SshOptions options;
  options.user = settings.user;
  options.identity_files = settings.identity_files;
  options.known_hosts = settings.known_hosts;
  options.accept_new = settings.accept_new_host_keys;
  options.connect_timeout = settings.connect_timeout;
  options.workers = settings.fanout;
  return options;
}

void SiteRunner::run(const Endpoint& endpoint, const Command& command,
                     std::function<void(RunResult)> done) {
  if (endpoint.local) {
    local_.run(endpoint, command, std::move(done));
  } else {
    ssh_.run(endpoint, command, std::move(done));
  }
}

}  // namespace greenlight
