#include "greenlight/exporter/access.h"

#include <crypt.h>
#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace greenlight::exporter {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads the meaningful lines of `path` with their line numbers.
std::vector<std::pair<int, std::string>> lines_of(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::vector<std::pair<int, std::string>> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    out.emplace_back(number, std::string(text));
  }
  return out;
}

// Compares without returning early, so the time taken says nothing of where
// a guess differs.
bool same(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

bool password_matches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
  // libcrypt returns "*0"-style failure tokens (never a valid hash) on an
  // unknown method.
  return computed != nullptr && computed[0] != '*' && same(computed, hash);
}

// A whole crypt(3) hash of a method libcrypt computes, never a DES or
// clear-text string: one of the modern prefixes, accepted by crypt_r.
bool usable_hash(const std::string& hash) {
  static const char* const kPrefixes[] = {"$2y$", "$2b$", "$2a$", "$6$", "$5$", "$y$", "$gy$", "$7$"};
  bool known = false;
  for (const char* prefix : kPrefixes) known = known || hash.rfind(prefix, 0) == 0;
  if (!known) return false;
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_r("", hash.c_str(), data.get());
  // A whole hash gives back a string of its own length (its setting and
  // its digest); a bare setting ("$6$salt") does not.
  return computed != nullptr && computed[0] != '*' && std::string_view(computed).size() == hash.size();
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++padding;
      } else if (padding > 0 || (v[k] = value(c)) < 0) {
        return std::nullopt;
      }
    }
    const unsigned bits = (static_cast<unsigned>(v[0]) << 18) |
                          (static_cast<unsigned>(v[1]) << 12) | (static_cast<unsigned>(v[2]) << 6) |
                          static_cast<unsigned>(v[3]);
    out += static_cast<char>((bits >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((bits >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(bits & 0xff);
  }
  return out;
}

Access::Access(const std::string& basic_auth_file, const std::string& bearer_token_file) {
  if (!basic_auth_file.empty()) {
    for (const auto& [number, line] : lines_of(basic_auth_file)) {
      const auto colon = line.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == line.size()) {
        throw std::runtime_error(
            fmt::format("{}:{}: expected user:HASH (htpasswd -B or openssl passwd -6)",
                        basic_auth_file, number));
      }
      const std::string hash = line.substr(colon + 1);
      if (!usable_hash(hash)) {
        // A password written in clear (or a hash libcrypt cannot compute)
        // would lock everybody out, silently: refused here instead.
        throw std::runtime_error(fmt::format(
            "{}:{}: user {}: not a password hash greenlight can check (expected $2y$/$2b$ from "
            "htpasswd -B, $6$/$5$ from openssl passwd -6/-5, or $y$ from mkpasswd); a password "
            "is never written in clear",
            basic_auth_file, number, line.substr(0, colon)));
      }
      users_.push_back({line.substr(0, colon), hash});
    }
    if (users_.empty()) throw std::runtime_error(basic_auth_file + ": no user");
  }
  if (!bearer_token_file.empty()) {
    for (const auto& [number, line] : lines_of(bearer_token_file)) tokens_.push_back(line);
    if (tokens_.empty()) throw std::runtime_error(bearer_token_file + ": no token");
  }
}

bool Access::allows(const std::optional<std::string_view>& authorization) const {
  if (open()) return true;
  if (!authorization) return false;
  const std::string_view value = trim(*authorization);
  const auto space = value.find(' ');
  if (space == std::string_view::npos) return false;
  std::string scheme(value.substr(0, space));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view credentials = trim(value.substr(space + 1));
  if (scheme == "bearer") {
    bool found = false;
    for (const auto& token : tokens_) found = same(credentials, token) || found;
    return found;
  }
  if (scheme == "basic" && !users_.empty()) {
    const auto decoded = decode_base64(credentials);
    if (!decoded) return false;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return false;
    const std::string name = decoded->substr(0, colon);
    const std::string password = decoded->substr(colon + 1);
    for (const auto& user : users_) {
      if (user.name == name) return password_matches(password, user.hash);
    }
  }
  return false;
}

std::string Access::challenge() const {
  return users_.empty() ? "Bearer realm=\"greenlight\"" : "Basic realm=\"greenlight\"";
}

}  // namespace greenlight::exporter
