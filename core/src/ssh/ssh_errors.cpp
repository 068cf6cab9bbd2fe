#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "greenlight/core/ssh.h"

namespace greenlight {
namespace {

bool contains(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         }) != text.end();
}

}  // namespace

RunStatus classify_connect_error(std::string_view error) {
  if (contains(error, "refused")) return RunStatus::kRefused;
  if (contains(error, "timeout") || contains(error, "timed out")) return RunStatus::kConnectTimeout;
  if (contains(error, "authentication") || contains(error, "permission denied"))
    return RunStatus::kAuth;
  // No route, network unreachable, unresolvable name, connection reset or
  // closed during the key exchange: the host cannot be used.
  return RunStatus::kUnreachable;
}

std::string describe_host_key(HostKeyState state, std::string_view host,
                              std::string_view known_hosts) {
  switch (state) {
    case HostKeyState::kKnown:
      return "";
    case HostKeyState::kChanged:
      return fmt::format(
          "{}: host key CHANGED: the key offered differs from the one recorded in {} (a "
          "reinstalled host or someone in the middle); remove the old line once you know why",
          host, known_hosts);
    case HostKeyState::kOtherType:
      return fmt::format(
          "{}: host key of another type than the one recorded in {}: refused as a changed key",
          host, known_hosts);
    case HostKeyState::kUnknown:
      return fmt::format(
          "{}: unknown host key: not in {} (record it, or use host_key_policy accept-new)", host,
          known_hosts);
    case HostKeyState::kNoFile:
      return fmt::format(
          "{}: unknown host key: {} does not exist (record the key, or use host_key_policy "
          "accept-new)",
          host, known_hosts);
    case HostKeyState::kError:
      return fmt::format("{}: cannot check the host key against {}", host, known_hosts);
  }
  return "";
}

}  // namespace greenlight
