#include "greenlight/core/json.h"

#include <catch2/catch.hpp>
#include <string>

using greenlight::json_string;
using greenlight::json_too_deep;

TEST_CASE("json_string quotes, escapes and replaces bytes that are not UTF-8") {
  CHECK(json_string("top1") == "\"top1\"");
  CHECK(json_string("a \"b\"\n") == "\"a \\\"b\\\"\\n\"");
  CHECK(json_string(std::string("\xff", 1)) == "\"\xef\xbf\xbd\"");  // U+FFFD
}

TEST_CASE("json_too_deep finds where a document nests too deep, strings skipped") {
  CHECK_FALSE(json_too_deep(R"({"a": [1, {"b": 2}]})", 3));
  CHECK(json_too_deep(R"({"a": [1, {"b": 2}]})", 2) == std::size_t{10});
  CHECK_FALSE(json_too_deep(R"({"a": "[[[[{{{{"})", 1));
  CHECK_FALSE(json_too_deep(R"({"a": "\"[[[["})", 1));  // an escaped quote stays in the string
  CHECK(json_too_deep(std::string(100, '['), 64) == std::size_t{64});
  CHECK_FALSE(json_too_deep("", 1));
}

TEST_CASE("valid_utf8 replaces only the bytes that are not UTF-8") {
  CHECK(greenlight::valid_utf8("plain") == "plain");
  CHECK(greenlight::valid_utf8("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
  CHECK(greenlight::valid_utf8("a\xff" "b") == "a\xef\xbf\xbd" "b");
  CHECK(greenlight::valid_utf8("\xc0\xaf") != "\xc0\xaf");  // an overlong '/' is refused
  CHECK(greenlight::valid_utf8("\xed\xa0\x80").find("\xef\xbf\xbd") != std::string::npos);
  CHECK(greenlight::valid_utf8(std::string("nul\0inside", 10)) == std::string("nul\0inside", 10));
  CHECK(greenlight::valid_utf8("") == "");
}
