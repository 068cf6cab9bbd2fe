// How the exporter speaks HTTP around its pages: CivetWeb's limits, the one
// way an answer is written, the methods it answers (GET and HEAD read;
// OPTIONS says so; write methods 405; methods it does not implement 501) and
// the errors CivetWeb raises before a page sees the request. CivetWeb types
// stay in this module (exporter/src).
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct mg_connection;

namespace greenlight::exporter {

/// CivetWeb's options for a server listening on `ports` (CivetWeb's
/// "listening_ports" value): its worker threads, queues, deadlines and
/// request size, each chosen on purpose (docs/exporter.md "Limits").
std::vector<std::string> server_limits(const std::string& ports);

/// The worker threads server_limits() asks for: each connection holds one
/// until its request is answered or dropped.
int worker_threads();

/// The reason phrase of an HTTP status code ("Not Found"); "Error" for one
/// the exporter never sends.
const char* reason(int code);

/// Writes one whole answer on `connection` from a CivetWeb worker thread:
/// the status line, Content-Type, Content-Length of `body`, `extra_headers`
/// (each ending in "\r\n"), then the body unless `head` (a HEAD request
/// gets the headers GET would, without the body). The connection closes
/// after it and no unread request body is waited for. A client that reads
/// the answer so slowly that it is not delivered within the send deadline
/// is cut off (the rest is not sent).
void reply(mg_connection* connection, int code, const char* type, std::string_view body,
           std::string_view extra_headers = {}, bool head = false);

/// CivetWeb's begin_request callback: 0 for GET and HEAD (the pages answer
/// them); any other method is answered here and its status returned:
/// OPTIONS 204 with Allow, POST, PUT, DELETE, PATCH, CONNECT and TRACE 405
/// with Allow, any other method CivetWeb knows (WebDAV's) 501.
int answer_method(mg_connection* connection);

/// CivetWeb's http_error callback, for the errors it finds before a page
/// sees the request: a method CivetWeb does not know, and CONNECT, become
/// 405 or 501 as answer_method would say (CivetWeb says 400) and 0 is
/// returned (answered); for any other error 1 (CivetWeb answers).
int answer_error(mg_connection* connection, int status, const char* message);

}  // namespace greenlight::exporter
