#include "address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace greenlight::checks::detail {
namespace {

std::string_view without_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

std::string endpoint_host(std::string_view endpoint) {
  if (!endpoint.empty() && endpoint.front() == '[') {
    const auto close = endpoint.find(']');
    if (close != std::string_view::npos) return std::string(endpoint.substr(1, close - 1));
  }
  const auto colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return std::string(endpoint);
  const std::string_view port = endpoint.substr(colon + 1);
  const bool numeric = !port.empty() && std::all_of(port.begin(), port.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  return std::string(numeric ? endpoint.substr(0, colon) : endpoint);
}

std::string canonical_host(std::string_view host) {
  const std::string bare(without_brackets(host));
  if (bare.find(':') == std::string::npos) return bare;
  in6_addr address{};
  if (::inet_pton(AF_INET6, bare.c_str(), &address) != 1) return bare;
  char text[INET6_ADDRSTRLEN];
  if (::inet_ntop(AF_INET6, &address, text, sizeof text) == nullptr) return bare;
  return text;
}

bool same_host(std::string_view a, std::string_view b) {
  return a == b || canonical_host(a) == canonical_host(b);
}

std::pair<std::string, std::string> split_brick(std::string_view brick) {
  const auto separator = brick.find(":/");
  if (separator == std::string_view::npos) return {std::string(brick), std::string()};
  // "[fd00::1]:/p" and "fd00::1:/p" alike: the first ":/" ends the host,
  // since neither a name nor an address holds "/".
  return {std::string(without_brackets(brick.substr(0, separator))),
          std::string(brick.substr(separator + 1))};
}

std::string canonical_brick(std::string_view brick) {
  auto [host, path] = split_brick(brick);
  if (path.empty()) return std::string(brick);
  return canonical_host(host) + ":" + path;
}

}  // namespace greenlight::checks::detail
