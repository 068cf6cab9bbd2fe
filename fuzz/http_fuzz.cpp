// libFuzzer target: the HTTP request path of `greenlight serve`. The
// exporter's Server (CivetWeb, as serve runs it, with basic-auth and
// bearer-token files) listens on 127.0.0.1 (a free port); each input is sent
// as raw bytes on a new loopback connection: method, path, query, headers
// and authentication are all CivetWeb's to parse before greenlight's
// handlers see them, so there is no shorter way in. Properties: the server
// answers every request within its request timeout (or closes), the answer
// is an HTTP status line, and a 2xx of any endpoint but /-/healthy only
// goes to a request carrying the valid token or the valid user's password.
// The Authorization and Accept-Encoding values of the input are also given to
// Access::allows() and accepts_gzip() directly, with the same property.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "fuzz_support.h"
#include "greenlight/checks/check_result.h"
#include "greenlight/exporter/access.h"
#include "greenlight/exporter/compression.h"
#include "greenlight/exporter/server.h"
#include "greenlight/exporter/snapshot.h"

using namespace greenlight;
using greenlight::fuzz::fail;

namespace {

constexpr const char* kToken = "s3cr3t-token-for-fuzzing";
constexpr const char* kBasic = "b3BlcmF0b3I6cmVzdGFydC0yMDI2";  // operator:restart-2026

struct Serving {
  exporter::ServerOptions options;
  checks::ResultStore results;
  exporter::Snapshot snapshot{results};
  std::unique_ptr<exporter::Server> server;
  std::unique_ptr<exporter::Access> access;
};

Serving& serving() {
  static Serving* s = [] {
    auto* made = new Serving();
    std::string dir = "/tmp/glfuzz-http.XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) fail("mkdtemp", dir);
    // SHA-256 crypt at its fewest rounds (1000): the cheapest hash serve
    // accepts (Access refuses MD5-crypt and DES), so that authenticated
    // requests stay cheap.
    std::ofstream(dir + "/htpasswd")
        << "operator:$5$rounds=1000$fuzzsalt$7Z8v/NPm9JwZIPvq8nac/ssYtZFHnEx0DgoALx8Eq4/\n";
    std::ofstream(dir + "/tokens") << kToken << "\n";
    made->options.listen = "127.0.0.1:0";
    made->options.basic_auth_file = dir + "/htpasswd";
    made->options.bearer_token_file = dir + "/tokens";
    made->results.declare({"peers", "gluster_peers", "top1"});
    made->results.declare({"ping", "fping", "top1"});
    checks::CheckResult peers;
    peers.status = checks::Status::ok;
    peers.message = "3 peers connected";
    peers.add_sample("greenlight_gluster_peer_connected", {{"peer", "top2"}}, 1);
    made->results.record("peers", peers);
    made->server = std::make_unique<exporter::Server>(made->options, made->snapshot, "fuzz");
    made->access = std::make_unique<exporter::Access>(made->options.basic_auth_file,
                                                      made->options.bearer_token_file);
    return made;
  }();
  return *s;
}

bool has_credential(std::string_view text) {
  return text.find(kToken) != std::string_view::npos || text.find(kBasic) != std::string_view::npos;
}

// The value of the first header `name` (case-insensitive), or nullopt.
std::optional<std::string_view> header(std::string_view request, std::string_view name) {
  std::size_t pos = request.find('\n');
  while (pos != std::string_view::npos && pos + 1 < request.size()) {
    const std::size_t start = pos + 1;
    pos = request.find('\n', start);
    std::string_view line = request.substr(start, pos == std::string_view::npos ? pos : pos - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(line[i])) == name[i];
    if (!same) continue;
    line.remove_prefix(name.size() + 1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    return line;
  }
  return std::nullopt;
}

std::string exchange(int port, std::string_view request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    fail("cannot connect to the server on loopback");
  // The server may answer and close before reading everything: not an error.
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  char buffer[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      fail("no answer within the request timeout", request);
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  Serving& s = serving();
  if (const auto authorization = header(request, "authorization")) {
    if (s.access->allows(*authorization) && !has_credential(*authorization))
      fail("Access::allows() without the credential", *authorization);
  }
  if (const auto accept = header(request, "accept-encoding")) (void)exporter::accepts_gzip(*accept);
  const std::string answer = exchange(s.server->port(), request);
  if (answer.empty()) return 0;  // closed without an answer: a malformed request
  // "HTTP/x.y CODE ...". CivetWeb 1.15 answers a request line it cannot
  // read with 400 after echoing the request's protocol token, whatever it
  // holds (even "\r\n" and a header of the request): that answer counts
  // as a 400.
  const std::size_t space = answer.find(' ');
  auto digit = [&](std::size_t i) {
    return i < answer.size() && std::isdigit(static_cast<unsigned char>(answer[i]));
  };
  // The version is the request's ("HTTP/1.10 505"): any token without a
  // line break, then three digits.
  const bool status_line = answer.rfind("HTTP/", 0) == 0 && space != std::string::npos &&
                           answer.find_first_of("\r\n") > space && digit(space + 1) &&
                           digit(space + 2) && digit(space + 3) && space + 4 < answer.size() &&
                           answer[space + 4] == ' ';
  if (!status_line && answer.find(" 400 Bad Request\r\n") == std::string::npos)
    fail("not a status line", answer);
  const char first_digit = status_line ? answer[space + 1] : '4';
  const std::string_view path = request.substr(request.find(' ') + 1);
  const bool healthy = path.rfind("/-/healthy", 0) == 0;
  if (first_digit == '2' && !healthy && !has_credential(request))
    fail("a protected endpoint answered without credentials", request);
  return 0;
}
