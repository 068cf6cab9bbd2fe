// Who may read greenlight's HTTP endpoints: optional HTTP basic
// authentication (htpasswd-style file, crypt(3) hashes) and bearer tokens.
// Pure apart from reading the files and crypt_r, so it is tested directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight::exporter {

class Access {
 public:
  /// Everyone may read.
  Access() = default;
  /// Reads `basic_auth_file` (lines `user:HASH`, HASH as made by
  /// `htpasswd -B` or `openssl passwd -6`: any crypt(3) method libcrypt
  /// knows; `#` comments) and `bearer_token_file` (one token a line); an
  /// empty path leaves that method off. Throws std::runtime_error naming
  /// the file and line when a file cannot be read or a line is malformed.
  Access(const std::string& basic_auth_file, const std::string& bearer_token_file);

  /// True when no method is configured.
  bool open() const { return users_.empty() && tokens_.empty(); }
  /// Whether a request carrying this Authorization header value (nullopt:
  /// no header) may read. Thread-safe.
  bool allows(const std::optional<std::string_view>& authorization) const;
  /// The WWW-Authenticate challenge to send with a 401.
  std::string challenge() const;

 private:
  struct User {
    std::string name;
    std::string hash;
  };
  std::vector<User> users_;
  std::vector<std::string> tokens_;
};

/// RFC 4648 base64 decoding; nullopt on a character outside the alphabet
/// or bad padding.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace greenlight::exporter
