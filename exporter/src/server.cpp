#include "greenlight/exporter/server.h"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "body.h"
#include "http.h"
#include "greenlight/exporter/compression.h"
#include "metrics_cache.h"

namespace greenlight::exporter {
namespace {

// Smaller bodies are sent as they are: compressing them saves nothing.
constexpr std::size_t kCompressFrom = 1024;

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
    answer(connection, false);
    return true;
  }
  bool handleHead(CivetServer*, struct mg_connection* connection) override {
    answer(connection, true);
    return true;
  }

 private:
  // GET, or HEAD (`head`): the same status and headers without the body.
  void answer(struct mg_connection* connection, bool head) {
    const struct mg_request_info* request = mg_get_request_info(connection);
    const std::shared_ptr<const Access> access =
        access_ != nullptr ? access_->get() : std::shared_ptr<const Access>();
    if (access && !access->open()) {
      const char* header = mg_get_header(connection, "Authorization");
      if (!access->allows(header != nullptr ? std::optional<std::string_view>(header)
                                            : std::nullopt)) {
        reply(connection, 401, "text/plain", "authentication required\n",
              "WWW-Authenticate: " + access->challenge() + "\r\n", head);
        return;
      }
    }
    // The path as sent (decoded), not CivetWeb's cleaned local_uri: that
    // one drops trailing dots, so "/metrics." would be served as /metrics.
    const char* sent = request->local_uri_raw != nullptr ? request->local_uri_raw
                                                         : request->local_uri;
    if (exact_ && sent != nullptr && path_ != sent) {
      reply(connection, 404, "text/plain", "not found\n", {}, head);
      return;
    }
    auto [code, body] = render_();
    const char* accept = mg_get_header(connection, "Accept-Encoding");
    if (body->plain().size() >= kCompressFrom && accept != nullptr && accepts_gzip(accept)) {
      reply(connection, code, type_, body->gzipped(),
            "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n", head);
    } else {
      reply(connection, code, type_, body->plain(), {}, head);
    }
  }

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

// Debian 12's CivetWeb 1.15 wants OpenSSL 1.1's names and an unversioned
// libcrypto.so; the compatibility libraries (exporter/openssl_compat) give
// it both. They are looked for in LIBDIR/greenlight relative to the running
// greenlight (an installed tree), then in the build tree. Returns why one
// could not be loaded, empty when both were.
std::string load_openssl_compat() {
  std::error_code ec;
  const auto binary = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> directories;
  if (!ec) directories.push_back(binary.parent_path() / GREENLIGHT_OPENSSL_COMPAT_FROM_BINDIR);
  directories.emplace_back(GREENLIGHT_OPENSSL_COMPAT_BUILT);
  std::string why;
  for (const char* name : {"libgreenlight-crypto-compat.so", "libgreenlight-openssl-compat.so"}) {
    std::string tried;
    bool loaded = false;
    for (const auto& directory : directories) {
      const std::string path = (directory / name).lexically_normal().string();
      if (::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) != nullptr) {
        loaded = true;
        break;
      }
      tried += fmt::format("{}{}", tried.empty() ? "" : "; ", ::dlerror());
    }
    if (!loaded) why += fmt::format("{}{}", why.empty() ? "" : "; ", tried);
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

// Each worker holds a connection's descriptor: raise the soft limit on open
// descriptors (1024 on many systems) towards the hard one so that a crowd of
// clients cannot make accept() fail for everyone else.
void allow_descriptors(int workers) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(workers) * 2 + 1024;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
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
  // CivetWeb takes "127.0.0.1:0" as it is; "s" marks TLS. Its limits and
  // why: http.cpp.
  std::vector<std::string> options = server_limits(settings.listen + (tls ? "s" : ""));
  allow_descriptors(worker_threads());
  if (tls) {
    options.insert(options.end(), {"ssl_certificate", pem->path(), "ssl_protocol_version", "4"});
  }
  try {
    CivetCallbacks callbacks;
    callbacks.begin_request = answer_method;
    callbacks.http_error = answer_error;
    impl_->server = std::make_unique<CivetServer>(options, &callbacks);
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
