#include "greenlight/exporter/server.h"

#include <CivetServer.h>
#include <fmt/format.h>

#include <functional>
#include <stdexcept>
#include <vector>

namespace greenlight::exporter {
namespace {

void reply(struct mg_connection* connection, int code, const char* reason, const char* type,
           const std::string& body) {
  mg_printf(
      connection,
      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\n",
      code, reason, type, body.size());
  mg_write(connection, body.data(), body.size());
}

class Page : public CivetHandler {
 public:
  using Render = std::function<std::pair<int, std::string>()>;
  Page(const char* type, Render render) : type_(type), render_(std::move(render)) {}
  bool handleGet(CivetServer*, struct mg_connection* connection) override {
    auto [code, body] = render_();
    reply(connection, code, code == 200 ? "OK" : "Service Unavailable", type_, body);
    return true;
  }

 private:
  const char* type_;
  Render render_;
};

}  // namespace

struct Server::Impl {
  std::unique_ptr<CivetServer> server;
  std::vector<std::unique_ptr<Page>> pages;
};

Server::Server(const std::string& listen, const Snapshot& snapshot, std::string version)
    : impl_(std::make_unique<Impl>()) {
  // CivetWeb writes "[::1]:9877" as "[::1]:9877" and "127.0.0.1:0" as is.
  std::vector<std::string> options{"listening_ports",   listen, "num_threads", "8",
                                   "enable_keep_alive", "no"};
  try {
    impl_->server = std::make_unique<CivetServer>(options);
  } catch (const CivetException& error) {
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", listen, error.what()));
  }
  auto add = [&](const char* path, const char* type, Page::Render render) {
    impl_->pages.push_back(std::make_unique<Page>(type, std::move(render)));
    impl_->server->addHandler(path, impl_->pages.back().get());
  };
  const Snapshot* source = &snapshot;
  add("/metrics", "text/plain; version=0.0.4; charset=utf-8",
      [source, version]() { return std::make_pair(200, render_metrics(*source, version)); });
  add("/api/v1/checks", "application/json",
      [source]() { return std::make_pair(200, render_checks_json(*source)); });
  add("/-/healthy", "text/plain",
      []() { return std::make_pair(200, std::string("greenlight is healthy\n")); });
  add("/-/ready", "text/plain", [source]() {
    return source->complete() ? std::make_pair(200, std::string("every check has run\n"))
                              : std::make_pair(503, std::string("some checks have not run yet\n"));
  });
}

Server::~Server() {
  if (impl_->server) impl_->server->close();
}

int Server::port() const {
  const auto ports = impl_->server->getListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace greenlight::exporter
