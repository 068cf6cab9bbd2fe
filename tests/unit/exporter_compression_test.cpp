#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>

#include "greenlight/exporter/compression.h"

using greenlight::exporter::accepts_gzip;
using greenlight::exporter::gzip;

namespace {
// Decompresses a gzip stream with zlib's own inflater.
std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out;
  char buffer[4096];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  CHECK(status == Z_STREAM_END);
  return out;
}
}  // namespace

TEST_CASE("Accept-Encoding values that accept gzip and those that do not") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("deflate,GZIP;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip("x-gzip"));
  CHECK(accepts_gzip(" identity ; q=1 , gzip ; q=1.0"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("deflate, br"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0.000"));
  CHECK_FALSE(accepts_gzip("*, gzip;q=0"));  // an explicit refusal wins over *
  CHECK_FALSE(accepts_gzip("*;q=0"));
  CHECK_FALSE(accepts_gzip("gzipx"));
}

TEST_CASE("gzip bodies decompress to the original") {
  std::string metrics;
  for (int i = 0; i < 20000; ++i) {
    metrics += "greenlight_check_success{check=\"c" + std::to_string(i) + "\"} 1\n";
  }
  const std::string compressed = gzip(metrics);
  CHECK(compressed.size() < metrics.size() / 5);
  CHECK(static_cast<unsigned char>(compressed[0]) == 0x1f);  // gzip magic
  CHECK(static_cast<unsigned char>(compressed[1]) == 0x8b);
  CHECK(gunzip(compressed) == metrics);
  CHECK(gunzip(gzip("")).empty());
}
