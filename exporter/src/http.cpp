#include "http.h"

#include <civetweb.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cctype>
#include <cstring>

namespace greenlight::exporter {
namespace {

// Each value is a deliberate choice; docs/exporter.md "Limits" and
// docs/security.md give the measured figures behind them.
//
// CivetWeb 1.15 gives every connection a worker thread from the moment it
// starts reading the request until the answer is written: a client that
// connects and sends nothing, or sends its request a byte at a time, holds
// a worker until the read deadline. 1024 workers let 500 such clients at
// once (and as many again) leave workers free for Prometheus, the status
// page and the health probe. An idle worker costs a parked thread and its
// 16 KiB request buffer: serve with a one-check site idles at 23 MiB of RSS
// with all of them started (docs/security.md "Load and slow clients").
constexpr int kWorkers = 1024;
// A request (line and headers) that is not complete 5 s after its worker
// started reading it is dropped: a scraper sends its request in one packet,
// a slowloris client is dropped after 5 s whatever it trickles. The same
// value bounds how long one write may make no progress.
constexpr const char* kRequestTimeoutMs = "5000";
// Connections accepted while every worker is busy wait here, then in the
// kernel's listen queue, rather than being refused.
constexpr const char* kConnectionQueue = "256";
constexpr const char* kListenBacklog = "1024";
// The request line and headers together: a scrape's are a few hundred
// bytes; larger heads are answered 400. It is also each worker's buffer.
constexpr const char* kMaxRequestSize = "16384";
// One request per connection: a kept-alive idle connection would hold a
// worker between requests. Prometheus reconnects each scrape by itself.
constexpr const char* kKeepAlive = "no";
// An answer is written in several sends (headers, then the body in pieces):
// without TCP_NODELAY the last piece can wait for the client's delayed ACK
// (40 ms on Linux), which alone would break a 20 ms scrape target.
constexpr const char* kTcpNoDelay = "1";
// A request target in absolute form ("GET http://host:port/metrics", RFC
// 9112 3.2.2: a server MUST accept it) is served when its port is ours;
// with the check CivetWeb 1.15 does by default, its host must also equal
// authentication_domain, and any other is dropped without an answer.
constexpr const char* kAuthDomainCheck = "no";
// linger_timeout_ms is left unset on purpose: close() returns at once and
// the kernel finishes sending; a value would make a worker wait in close()
// for a client that does not read the end of its answer.

// How long one answer may take to be delivered: 1.4 MiB of /metrics at 20k
// series takes 1.2 s at 10 Mbit/s. The body is written in 16 KiB pieces and
// the deadline is looked at between them; a write that makes no progress
// for request_timeout_ms fails. So a reader that stops reading is dropped 5 s
// after the kernel's buffers fill, and one that keeps trickling holds its
// worker for the deadline plus one piece at its own pace (the receiver's
// window opens by about 1 KiB at a time, so it must read at least ~200 B/s
// to keep the write from stalling: 80 s for a piece at that pace).
constexpr auto kSendDeadline = std::chrono::seconds(10);
constexpr std::size_t kPiece = 16 * 1024;

constexpr const char* kAllow = "Allow: GET, HEAD, OPTIONS\r\n";

// RFC 9110's methods (and RFC 5789's PATCH) that greenlight knows and
// refuses on every path: 405. A method outside this list is not
// implemented by greenlight at all: 501.
bool refused_method(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kRefused{"POST",    "PUT",   "DELETE",
                                                            "PATCH",   "CONNECT", "TRACE"};
  return std::find(kRefused.begin(), kRefused.end(), method) != kRefused.end();
}

int answer_other_method(mg_connection* connection, std::string_view method) {
  if (method == "OPTIONS") {
    reply(connection, 204, "text/plain", "", kAllow);
    return 204;
  }
  if (refused_method(method)) {
    reply(connection, 405, "text/plain",
          "method not allowed: greenlight's HTTP side is read-only (GET, HEAD)\n", kAllow);
    return 405;
  }
  reply(connection, 501, "text/plain", "method not implemented: greenlight answers GET and HEAD\n",
        kAllow);
  return 501;
}

// The methods CivetWeb 1.15 parses; it refuses any other as a malformed
// request before a callback can see it.
bool civetweb_knows(std::string_view method) {
  static constexpr std::array<std::string_view, 14> kKnown{
      "GET",  "POST",     "PUT",   "DELETE", "HEAD",   "OPTIONS",   "CONNECT",
      "PATCH", "PROPFIND", "MKCOL", "LOCK",   "UNLOCK", "PROPPATCH", "REPORT"};
  return std::find(kKnown.begin(), kKnown.end(), method) != kKnown.end();
}

// RFC 9110's token characters: what a method name may be made of.
bool is_token(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

}  // namespace

int worker_threads() { return kWorkers; }

std::vector<std::string> server_limits(const std::string& ports) {
  return {"listening_ports",    ports,
          "num_threads",        std::to_string(kWorkers),
          "request_timeout_ms", kRequestTimeoutMs,
          "connection_queue",   kConnectionQueue,
          "listen_backlog",     kListenBacklog,
          "max_request_size",   kMaxRequestSize,
          "enable_keep_alive",  kKeepAlive,
          "tcp_nodelay",        kTcpNoDelay,
          "enable_auth_domain_check", kAuthDomainCheck};
}

const char* reason(int code) {
  switch (code) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

void reply(mg_connection* connection, int code, const char* type, std::string_view body,
           std::string_view extra_headers, bool head) {
  // Never wait for a request body nobody reads: CivetWeb would read and
  // discard it before closing, for as long as a slow client sends it.
  mg_disable_connection_keep_alive(connection);
  // A 204 carries neither a body nor Content-Length (RFC 9110 8.6).
  const std::string content =
      code == 204 ? std::string()
                  : fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", type, body.size());
  const std::string headers =
      fmt::format("HTTP/1.1 {} {}\r\n{}Cache-Control: no-store\r\n{}Connection: close\r\n\r\n",
                  code, reason(code), content, extra_headers);
  if (head || body.size() <= kPiece) {
    // One send: headers and a small body leave in one segment.
    std::string whole = headers;
    if (!head) whole.append(body);
    mg_write(connection, whole.data(), whole.size());
    return;
  }
  if (mg_write(connection, headers.data(), headers.size()) != static_cast<int>(headers.size()))
    return;
  const auto deadline = std::chrono::steady_clock::now() + kSendDeadline;
  for (std::size_t sent = 0; sent < body.size(); sent += kPiece) {
    if (std::chrono::steady_clock::now() > deadline) return;
    const std::size_t piece = std::min(kPiece, body.size() - sent);
    // Less than the piece: no progress for request_timeout_ms, or an error.
    if (mg_write(connection, body.data() + sent, piece) != static_cast<int>(piece)) return;
  }
}

int answer_method(mg_connection* connection) {
  const char* method = mg_get_request_info(connection)->request_method;
  if (std::strcmp(method, "GET") == 0 || std::strcmp(method, "HEAD") == 0) return 0;
  return answer_other_method(connection, method);
}

int answer_error(mg_connection* connection, int status, const char* /*message*/) {
  const mg_request_info* request = mg_get_request_info(connection);
  // CivetWeb refuses a method it does not know as a malformed request (400)
  // once it has split the request line: the method and version are set
  // then. A method it knows failed elsewhere: that 400 stands.
  // CONNECT's authority-form target ("host:port") fails CivetWeb's URI
  // check the same way.
  if (status == 400 && request->request_method != nullptr && request->http_version != nullptr &&
      is_token(request->request_method) &&
      (!civetweb_knows(request->request_method) ||
       std::strcmp(request->request_method, "CONNECT") == 0)) {
    answer_other_method(connection, request->request_method);
    return 0;
  }
  // Any other error stays CivetWeb's own: a request line and headers over
  // max_request_size get 400 like a malformed one (CivetWeb 1.15 cannot
  // tell a long request line, 414 in HTTP's words, from long headers).
  return 1;
}

}  // namespace greenlight::exporter
