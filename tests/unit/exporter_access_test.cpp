// Who may read the exporter's endpoints: basic authentication against
// crypt(3) hashes, bearer tokens, and the errors of malformed files.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "greenlight/exporter/access.h"

using greenlight::exporter::Access;
using greenlight::exporter::decode_base64;

namespace {
const std::string kDir = std::string(GREENLIGHT_FIXTURES_DIR) + "/exporter/";
}

TEST_CASE("base64 decoding, padding and bad input") {
  CHECK(decode_base64("b3BlcmF0b3I6cmVzdGFydC0yMDI2") == "operator:restart-2026");
  CHECK(decode_base64("YQ==") == "a");
  CHECK(decode_base64("YWI=") == "ab");
  CHECK(decode_base64("") == "");
  CHECK_FALSE(decode_base64("YQ=").has_value());
  CHECK_FALSE(decode_base64("Y===").has_value());
  CHECK_FALSE(decode_base64("YQ==YQ==").has_value());
  CHECK_FALSE(decode_base64("a!bc").has_value());
}

TEST_CASE("without files everyone may read") {
  Access access;
  CHECK(access.open());
  CHECK(access.allows(std::nullopt));
}

TEST_CASE("basic authentication checks the password against the crypt hash") {
  Access access(kDir + "htpasswd", "");
  CHECK_FALSE(access.open());
  CHECK(access.challenge() == "Basic realm=\"greenlight\"");
  // operator:restart-2026
  CHECK(access.allows("Basic b3BlcmF0b3I6cmVzdGFydC0yMDI2"));
  CHECK(access.allows("basic  b3BlcmF0b3I6cmVzdGFydC0yMDI2 "));
  // operator:restart-2025
  CHECK_FALSE(access.allows("Basic b3BlcmF0b3I6cmVzdGFydC0yMDI1"));
  // nobody:restart-2026
  CHECK_FALSE(access.allows("Basic bm9ib2R5OnJlc3RhcnQtMjAyNg=="));
  CHECK_FALSE(access.allows(std::nullopt));
  CHECK_FALSE(access.allows("Basic"));
  CHECK_FALSE(access.allows("Basic not-base64!"));
  CHECK_FALSE(access.allows("Bearer s3cr3t-token-for-prometheus"));
}

TEST_CASE("bearer tokens") {
  Access access("", kDir + "tokens");
  CHECK(access.challenge() == "Bearer realm=\"greenlight\"");
  CHECK(access.allows("Bearer s3cr3t-token-for-prometheus"));
  CHECK_FALSE(access.allows("Bearer s3cr3t-token-for-prometheu"));
  CHECK_FALSE(access.allows("Bearer s3cr3t-token-for-prometheus2"));
  CHECK_FALSE(access.allows("Basic b3BlcmF0b3I6cmVzdGFydC0yMDI2"));
}

TEST_CASE("both methods at once") {
  Access access(kDir + "htpasswd", kDir + "tokens");
  CHECK(access.allows("Bearer s3cr3t-token-for-prometheus"));
  CHECK(access.allows("Basic b3BlcmF0b3I6cmVzdGFydC0yMDI2"));
}

TEST_CASE("unreadable or malformed files are errors naming file and line") {
  CHECK_THROWS_WITH(Access(kDir + "nosuch", ""), Catch::Contains("nosuch: cannot read"));
  CHECK_THROWS_WITH(Access(kDir + "htpasswd_malformed", ""),
                    Catch::Contains("htpasswd_malformed:1: expected user:HASH"));
}

TEST_CASE("a password in clear or a DES hash is refused, naming file, line and user") {
  const std::string path = std::string("/tmp/greenlight-access-test-") + std::to_string(::getpid());
  for (const char* line : {"admin:PlainTextPasswordOops", "admin:abJnggxhB/yWI", "admin:$1$salt$hash",
                           "admin:$6$"}) {
    {
      std::ofstream out(path);
      out << "# users\n" << line << "\n";
    }
    CHECK_THROWS_WITH(Access(path, ""), Catch::Contains(":2: user admin: not a password hash") &&
                                            !Catch::Contains("PlainTextPasswordOops"));
  }
  std::remove(path.c_str());
}
