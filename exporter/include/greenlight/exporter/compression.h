// gzip for HTTP bodies: Prometheus asks for it (Accept-Encoding: gzip) and a
// /metrics body of 20,000 series shrinks about tenfold, which is what a
// scrape over a busy management network waits for.
#pragma once

#include <string>
#include <string_view>

namespace greenlight::exporter {

/// Whether an Accept-Encoding header value accepts gzip: a `gzip` or `*`
/// coding whose q is not 0 (RFC 9110 12.5.3). Case-insensitive.
bool accepts_gzip(std::string_view accept_encoding);

/// `body` in the gzip format (RFC 1952), zlib's fastest level: the body is
/// compressed once per rendering and shared by every scrape. Throws
/// std::runtime_error when zlib fails (out of memory).
std::string gzip(std::string_view body);

}  // namespace greenlight::exporter
