#include "greenlight/exporter/server.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "body.h"
#include "greenlight/exporter/compression.h"
#include "metrics_cache.h"

namespace greenlight::exporter {
namespace {

void reply(struct mg_connection* connection, int code, const char* reason, const char* type,
           const std::string& body, const std::string& extra_headers = "") {
  mg_printf(
      connection,
      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
      "%sConnection: close\r\n\r\n",
      code, reason, type, body.size(), extra_headers.c_str());
  mg_write(connection, body.data(), body.size());
}

// Smaller bodies are sent as they are: compressing them saves nothing.
constexpr std::size_t kCompressFrom = 1024;

const char* reason(int code) {
  switch (code) {
    case 200:
      return "OK";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    default:
      return "Service Unavailable";
  }
}

// Who may read, replaced as a whole on reload while requests read it.
class AccessSlot {
 public:
  std::shared_ptr<const Access> get() const {
    std::lock_guard lock(mutex_);
    return access_;
  }
  void set(std::shared_ptr<const Access> access) {
    std::lock_guard lock(mutex_);
    access_ = std::move(access);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Access> access_ = std::make_shared<const Access>();
};

class Page : public CivetHandler {
 public:
  using Render = std::function<std::pair<int, std::shared_ptr<const Body>>()>;
  /// exact: answer only the path itself; CivetWeb also hands a handler the
  /// paths below it ("/" would get every unknown path).
  /// access: who may read; nullptr for everyone (the liveness probe).
  Page(std::string path, const char* type, Render render, bool exact, const AccessSlot* access)
      : path_(std::move(path)),
        type_(type),
        render_(std::move(render)),
        exact_(exact),
        access_(access) {}
  bool handleGet(CivetServer*, struct mg_connection* connection) override {
    const struct mg_request_info* request = mg_get_request_info(connection);
    const std::shared_ptr<const Access> access =
        access_ != nullptr ? access_->get() : std::shared_ptr<const Access>();
    if (access && !access->open()) {
      const char* header = mg_get_header(connection, "Authorization");
      if (!access->allows(header != nullptr ? std::optional<std::string_view>(header)
                                            : std::nullopt)) {
        reply(connection, 401, reason(401), "text/plain", std::string("authentication required\n"),
              "WWW-Authenticate: " + access->challenge() + "\r\n");
        return true;
      }
    }
    if (exact_ && request->local_uri != nullptr && path_ != request->local_uri) {
      reply(connection, 404, reason(404), "text/plain", std::string("not found\n"));
      return true;
    }
    auto [code, body] = render_();
    const char* accept = mg_get_header(connection, "Accept-Encoding");
    if (body->plain().size() >= kCompressFrom && accept != nullptr && accepts_gzip(accept)) {
      reply(connection, code, reason(code), type_, body->gzipped(),
            "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
    } else {
      reply(connection, code, reason(code), type_, body->plain());
    }
    return true;
  }

 private:
  std::string path_;
  const char* type_;
  Render render_;
  bool exact_;
  const AccessSlot* access_;
};

// CivetWeb wants the key and the certificate in one PEM file: a private
// (0600) temporary copy, removed once the server has loaded it.
class CombinedPem {
 public:
  CombinedPem(const std::string& certificate, const std::string& key) {
    char name[] = "/tmp/greenlight-tls.XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0)
      throw std::runtime_error(fmt::format("cannot create {}: {}", name, std::strerror(errno)));
    close(fd);
    path_ = name;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    for (const auto& file : {key, certificate}) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::remove(path_.c_str());
        throw std::runtime_error(fmt::format("{}: cannot read: {}", file, std::strerror(errno)));
      }
      out << in.rdbuf() << "\n";
    }
  }
  ~CombinedPem() { std::remove(path_.c_str()); }
  CombinedPem(const CombinedPem&) = delete;
  CombinedPem& operator=(const CombinedPem&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Debian 12's CivetWeb 1.15 wants OpenSSL 1.1's names; the compatibility
// library (exporter/openssl_compat) gives it OpenSSL 3's under them. Returns
// why it could not be loaded, empty when it was.
std::string load_openssl_compat() {
  std::string why;
  for (const char* path : {GREENLIGHT_OPENSSL_COMPAT_INSTALLED, GREENLIGHT_OPENSSL_COMPAT_BUILT}) {
    if (::dlopen(path, RTLD_NOW | RTLD_GLOBAL) != nullptr) return {};
    why += fmt::format("{}{}", why.empty() ? "" : "; ", ::dlerror());
  }
  return why;
}

// The reason a bind to "IPV4:PORT" fails, in the kernel's words.
std::string why_not_bound(const std::string& listen) {
  const auto colon = listen.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (colon == std::string::npos ||
      ::inet_pton(AF_INET, listen.substr(0, colon).c_str(), &address.sin_addr) != 1 ||
      listen.find_first_not_of("0123456789", colon + 1) != std::string::npos)
    return "not an IPv4 ADDRESS:PORT";
  address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(listen.c_str() + colon + 1)));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::strerror(errno);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  std::string why = "CivetWeb could not start its listener";
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    why = std::strerror(errno);
    if (errno == EADDRINUSE) why += " (another process listens there: greenlight serve already running?)";
    if (errno == EADDRNOTAVAIL) why += " (no interface of this host has that address)";
  }
  ::close(fd);
  return why;
}

}  // namespace

struct Server::Impl {
  AccessSlot access;
  std::unique_ptr<CivetServer> server;
  std::vector<std::unique_ptr<Page>> pages;
  std::unique_ptr<MetricsCache> metrics;
};

Server::Server(const std::string& listen, const Snapshot& snapshot, std::string version)
    : Server(ServerOptions{listen, "", "", "", ""}, snapshot, std::move(version)) {}

Server::Server(const ServerOptions& settings, const Snapshot& snapshot, std::string version)
    : impl_(std::make_unique<Impl>()) {
  reload_access(settings);
  const bool tls = !settings.tls_certificate.empty();
  // CivetWeb loads OpenSSL at run time; when it cannot, the first TLS
  // handshake would call a null function: refuse to start instead.
  if (tls) {
    const std::string compat = load_openssl_compat();
    if ((mg_init_library(MG_FEATURES_SSL) & MG_FEATURES_SSL) == 0) {
      throw std::runtime_error(fmt::format(
          "exporter: tls_certificate: CivetWeb cannot initialise OpenSSL{}{}, so greenlight "
          "cannot serve HTTPS; serve plain HTTP on a loopback or management address and put a "
          "TLS-terminating proxy in front of it (docs/exporter.md)",
          compat.empty() ? "" : ": ", compat));
    }
  }
  std::unique_ptr<CombinedPem> pem;
  if (tls) pem = std::make_unique<CombinedPem>(settings.tls_certificate, settings.tls_key);
  // CivetWeb takes "127.0.0.1:0" as it is; "s" marks TLS.
  // CivetWeb gives each connection a worker thread until its request is
  // answered: a client that connects and sends nothing holds one. Enough
  // workers that a few dozen such clients leave room for the scraper, and a
  // deadline on reading a request (headers included) so that none holds a
  // worker for long. Figures and the reasons: docs/exporter.md "Limits".
  std::vector<std::string> options{"listening_ports",
                                   settings.listen + (tls ? "s" : ""),
                                   "num_threads",
                                   "64",
                                   "connection_queue",
                                   "256",
                                   "listen_backlog",
                                   "512",
                                   "request_timeout_ms",
                                   "5000",
                                   "max_request_size",
                                   "16384",
                                   "enable_keep_alive",
                                   "no"};
  if (tls) {
    options.insert(options.end(), {"ssl_certificate", pem->path(), "ssl_protocol_version", "4"});
  }
  try {
    impl_->server = std::make_unique<CivetServer>(options);
  } catch (const CivetException& error) {
    // CivetWeb says only "null context when constructing CivetServer":
    // bind the address once more to learn why.
    throw std::runtime_error(fmt::format("cannot listen on {}{}: {}", settings.listen,
                                         tls ? " with TLS" : "", why_not_bound(settings.listen)));
  }
  auto add = [&](const char* path, const char* type, Page::Render render) {
    const bool protect = std::string_view(path) != "/-/healthy";
    impl_->pages.push_back(std::make_unique<Page>(path, type, std::move(render), true,
                                                  protect ? &impl_->access : nullptr));
    impl_->server->addHandler(path, impl_->pages.back().get());
  };
  const Snapshot* source = &snapshot;
  impl_->metrics = std::make_unique<MetricsCache>(snapshot, version);
  MetricsCache* metrics = impl_->metrics.get();
  add("/metrics", "text/plain; version=0.0.4; charset=utf-8",
      [metrics]() { return std::make_pair(200, metrics->body()); });
  add("/api/v1/checks", "application/json",
      [source]() { return std::make_pair(200, text(render_checks_json(*source))); });
  add("/api/v1/runs", "application/json",
      [source]() { return std::make_pair(200, text(render_runs_json(*source))); });
  add("/api/v1/gates", "application/json",
      [source]() { return std::make_pair(200, text(render_gates_json(*source))); });
  add("/api/v1/readiness", "application/json",
      [source]() { return std::make_pair(200, text(render_readiness_json(*source))); });
  auto page = text(status_page_html());
  add("/", "text/html; charset=utf-8", [page]() { return std::make_pair(200, page); });
  add("/-/healthy", "text/plain",
      []() { return std::make_pair(200, text("greenlight is healthy\n")); });
  add("/-/ready", "text/plain", [source]() {
    return source->complete() ? std::make_pair(200, text("every check has run\n"))
                              : std::make_pair(503, text("some checks have not run yet\n"));
  });
}

Server::~Server() {
  if (impl_->server) impl_->server->close();
}

void Server::reload_access(const ServerOptions& settings) {
  impl_->access.set(
      std::make_shared<const Access>(settings.basic_auth_file, settings.bearer_token_file));
}

int Server::port() const {
  const auto ports = impl_->server->getListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace greenlight::exporter
