#include "ssh/fingerprints.h"

#include <fmt/format.h>

#include <fstream>

#include "ssh/libssh_api.h"

namespace greenlight::detail {
namespace {

std::string fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t size = 0;
  if (libssh().ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &size) != SSH_OK)
    return {};
  char* text = libssh().ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, size);
  libssh().ssh_clean_pubkey_hash(&hash);
  if (text == nullptr) return {};
  std::string out = text;
  libssh().ssh_string_free_char(text);
  return out;
}

}  // namespace

std::string offered_fingerprint(ssh_session_struct* session) {
  ssh_key key = nullptr;
  if (libssh().ssh_get_server_publickey(session, &key) != SSH_OK) return {};
  std::string out = fingerprint(key);
  libssh().ssh_key_free(key);
  return out;
}

std::string recorded_fingerprints(const std::string& host, const std::string& known_hosts) {
  std::ifstream file(known_hosts);
  std::string line;
  std::string out;
  for (int number = 1; std::getline(file, line); ++number) {
    // Blank lines, comments and @cert-authority / @revoked markers are not host keys.
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#' || line[start] == '@') continue;
    ssh_knownhosts_entry* entry = nullptr;
    if (libssh().ssh_known_hosts_parse_line(host.c_str(), line.c_str() + start, &entry) != SSH_OK)
      continue;
    const std::string recorded = entry->publickey != nullptr ? fingerprint(entry->publickey) : "";
    libssh().ssh_knownhosts_entry_free(entry);
    if (recorded.empty()) continue;
    out += fmt::format("{}{} (line {})", out.empty() ? "" : ", ", recorded, number);
  }
  return out;
}

}  // namespace greenlight::detail
