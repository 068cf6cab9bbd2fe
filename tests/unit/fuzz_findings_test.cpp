// What `make fuzz` found (fuzz/, docs/security.md "Fuzzing"), each kept as
// the smallest input that showed it, so that it stays fixed.
#include <catch2/catch.hpp>
#include <string>

#include "greenlight/checks/prometheus_rules.h"
#include "greenlight/control/protocol.h"
#include "greenlight/core/config_value.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/rangeset.h"
#include "greenlight/runbook/command_template.h"

using greenlight::runbook::CommandTemplate;
using greenlight::runbook::TemplateError;

TEST_CASE("a NUL byte in a template is refused at its offset, never cut from the command") {
  // fuzz_template: a format holding "\0" (YAML writes it so) rendered a
  // command that sh would have run only up to that byte.
  const std::string format_nul("echo {{ nodes(\"n[1-3]\", format=\"x\0%s\") }}", 41);
  const std::string literal_nul("poweroff\0; rm -rf /srv", 22);
  for (const auto& text : {format_nul, literal_nul}) {
    try {
      CommandTemplate::parse(text);
      FAIL("accepted a template with a NUL byte");
    } catch (const TemplateError& error) {
      CHECK(error.offset() == text.find('\0'));
      CHECK_THAT(error.what(), Catch::Contains("NUL byte"));
    }
  }
}

TEST_CASE("a YAML error quoting a control byte stays one line") {
  // fuzz_config: yaml-cpp's "unknown escape character: " was followed by
  // the raw byte (here a newline), which split the error in two lines.
  greenlight::config::Diagnostics diagnostics;
  (void)greenlight::config::load_yaml_text(std::string("\0\0\0\0\0\0\0\n", 8), "site.yaml",
                                           diagnostics);
  REQUIRE(diagnostics.errors().size() == 1);
  const std::string text = diagnostics.format();
  CHECK(text.find('\n') == text.size() - 1);
  CHECK_THAT(text, Catch::StartsWith("site.yaml:") && Catch::Contains(": error: YAML syntax: "));
  greenlight::config::Diagnostics quoted;
  quoted.error({"f.yaml", 3, 5}, "unknown key 'a\nb\x1b[31m'", "did you mean\t'ab'?");
  CHECK(quoted.format() ==
        "f.yaml:3:5: error: unknown key 'a\\nb\\x1b[31m' (did you mean\\t'ab'?)\n");
}

TEST_CASE("a control line with a number too large is a protocol error") {
  // fuzz_control: nlohmann's out_of_range (not a parse_error) escaped
  // decode_request and would have ended the daemon reading the socket.
  for (const char* line : {"[2222e22022r}", R"({"request": "answer", "question": 1e999})",
                           R"({"event": "question", "id": -1e400})"}) {
    CHECK_THROWS_AS(greenlight::control::decode_request(line), greenlight::control::ProtocolError);
    CHECK_THROWS_AS(greenlight::control::decode_event(line), greenlight::control::ProtocolError);
  }
}

TEST_CASE("a Prometheus time past system_clock's range is refused, not overflowed") {
  // fuzz_api_parsers: startTime "4102-11-30T19:32:24Z" overflowed the
  // nanoseconds of system_clock (undefined behaviour).
  using greenlight::checks::parse_prometheus_time;
  CHECK_FALSE(parse_prometheus_time("4102-11-30T19:32:24.879468821Z").has_value());
  CHECK_FALSE(parse_prometheus_time("2262-04-12T00:00:00Z").has_value());
  CHECK(parse_prometheus_time("2261-12-31T23:59:59Z").has_value());
  const auto start = greenlight::checks::parse_runtimeinfo_start(
      R"({"status":"success","data":{"startTime":"4102-11-30T19:32:24.879468821Z"}})");
  CHECK_FALSE(start.ok());
}

TEST_CASE("a node set reads its blanks as ClusterShell does, and refuses a NUL byte") {
  // fuzz_nodeset's differential: "*\0x" matched every node here (fnmatch
  // stops at the NUL) and none in ClusterShell; "\x1cn1" kept a separator
  // that Python's strip() removes.
  using greenlight::NodeSet;
  using greenlight::NodeSetParseError;
  const auto refused_at = [](const std::string& text) -> std::size_t {
    try {
      (void)NodeSet::parse(text);
    } catch (const NodeSetParseError& error) {
      CHECK(std::string(error.what()) == "a node set cannot hold a NUL byte");
      return error.position();
    }
    FAIL("accepted a NUL byte");
    return 0;
  };
  CHECK(refused_at(std::string("*\0x", 3)) == 1);
  CHECK(refused_at(std::string("n1,n2\0", 6)) == 5);
  CHECK(NodeSet::parse("\x1cn1").fold() == "n1");
  CHECK(NodeSet::parse("n[1-2],n3\x1f").fold() == "n[1-3]");
  CHECK(NodeSet::parse(" \x1dn[1-2]\t,\nn3\x1e\r\n").fold() == "n[1-3]");
  CHECK(greenlight::RangeSet::parse("\x1f" "1-3\x1c").fold() == "1-3");
  // Inside a name, ClusterShell keeps a separator as a byte of the name.
  CHECK(NodeSet::parse("b\x1f" "c").size() == 1);
  // Python's Unicode blanks, in UTF-8: a no-break space copied from a web
  // page, U+2009, U+3000 are stripped; inside a name they stay its bytes.
  CHECK(NodeSet::parse("n1\xc2\xa0").fold() == "n1");
  CHECK(NodeSet::parse("n1 \xc2\xa0").fold() == "n1");
  CHECK(NodeSet::parse("\xe3\x80\x80n[1-2],\xe2\x80\x83n3\xe2\x80\xaf").fold() == "n[1-3]");
  CHECK(NodeSet::parse("n[\xc2\xa0" "1-3\xe2\x80\x89]").fold() == "n[1-3]");
  CHECK(NodeSet::parse("n\xc2\xa0x").size() == 1);
  CHECK(NodeSet::parse("n\xc2\xa0x").fold() == "n\xc2\xa0x");
  // Bytes that only look like the start of one are no blank: U+20AC, a
  // lone lead byte.
  CHECK(NodeSet::parse("n1\xe2\x82\xac").fold() == "n1\xe2\x82\xac");
  CHECK(NodeSet::parse("n1\xc2").fold() == "n1\xc2");
  // A blank before a range's '-' leaves a negative index, as in Python:
  // "dn[\x1e-3]" is "dn[-3]", folded "dn-3" (fuzz_nodeset's oracle had
  // taken \x1e for a name byte and expected the fold to read back).
  CHECK(NodeSet::parse("dn[\x1e-3]").fold() == "dn-3");
  CHECK(NodeSet::parse("dn[\x1e-3]-i").fold() == "dn-3-i");
}

TEST_CASE("a digit outside ASCII is refused where ClusterShell reads it as an ASCII one") {
  // fuzz_nodeset's differential: ClusterShell matches digits with \d and
  // reads them with int(), so "top[1-3]\u07c4op2" (NKo digit four) was
  // top[1-3]4op2 to it and a name of its own bytes here.
  using greenlight::NodeSet;
  using greenlight::NodeSetParseError;
  using greenlight::RangeSet;
  const auto refusal = [](const std::string& text) -> std::pair<std::size_t, std::string> {
    try {
      (void)NodeSet::parse(text);
    } catch (const NodeSetParseError& error) {
      return {error.position(), error.what()};
    }
    FAIL("accepted " << text);
    return {};
  };
  const auto [at, message] = refusal("top[1-3]\xdf\x84op2");
  CHECK(at == 8);
  CHECK(message ==
        "a digit outside ASCII, U+07C4 \"\xdf\x84\" (ClusterShell reads it as 4): node names "
        "take the ASCII digits 0-9");
  CHECK(refusal("n\xd9\xa1").first == 1);                // U+0661, the first of a run
  CHECK(refusal("n[1-2],x\xef\xbc\x99").first == 8);     // U+FF19, the last
  CHECK(refusal("m\xf0\x9d\x9f\xbf").first == 1);        // U+1D7FF, four bytes
  CHECK_THROWS_WITH(RangeSet::parse("\xd9\xa1-\xd9\xa3"), Catch::Contains("U+0661"));
  CHECK_THROWS_AS(NodeSet::from_names({"n1", "n\xd9\xa2"}), NodeSetParseError);
  // Letters and blanks past ASCII, digits' neighbours, stay bytes of a name.
  CHECK(NodeSet::parse("n\xd9\x9f").fold() == "n\xd9\x9f");    // U+065F, before the run
  CHECK(NodeSet::parse("n\xd9\xaa").fold() == "n\xd9\xaa");    // U+066A, after it
  CHECK(NodeSet::from_names({"n\xc3\xa9" "1", "n\xc3\xa9" "2"}).fold() == "n\xc3\xa9[1-2]");
  CHECK(NodeSet::parse("n1\xc2").fold() == "n1\xc2");  // a lone lead byte is no character
}

TEST_CASE("a step is read as Python's int() reads it, and a long index is named") {
  // A newcomer's differential: int() skips C's six blanks and the Unicode
  // ones, not the separators \x1c-\x1f, and ClusterShell strips only the
  // whole subrange before reading its step: "1-3/\x1f2" is refused there.
  using greenlight::NodeSet;
  using greenlight::RangeSet;
  CHECK_THROWS_WITH(RangeSet::parse("1-3/\x1f" "2"), Catch::Contains("cannot convert"));
  CHECK_THROWS_WITH(RangeSet::parse("5\x1f/1"), Catch::Contains("cannot convert"));
  CHECK_THROWS(NodeSet::parse("n[1-3/\x1f" "2]"));
  CHECK(RangeSet::parse("1-3/ 2 ").fold() == "1,3");
  CHECK(RangeSet::parse("1-3/\t2").fold() == "1,3");
  CHECK(RangeSet::parse("1-3/\xc2\xa0" "2").fold() == "1,3");
  CHECK(RangeSet::parse("1-3/2\x1f").fold() == "1,3");  // the subrange is stripped
  CHECK(RangeSet::parse("1\x1f-3").fold() == "1-3");    // so is each end
  // 19 digits, leading zeros included, are named as such.
  CHECK_THROWS_WITH(NodeSet::parse("n0000000000000000001"),
                    Catch::Contains("0000000000000000001 is 19 digits long"));
  CHECK(NodeSet::parse("n000000000000000001").fold() == "n000000000000000001");
}

TEST_CASE("a range ClusterShell refuses as too large is refused here too") {
  // fuzz_nodeset's differential: "n[1-100000]99999" is the range
  // 199999-10000099999/100000, whose span ClusterShell refuses (its
  // add_range asserts stop - start < 1e9); greenlight counted 100000 nodes.
  using greenlight::NodeSet;
  using greenlight::RangeSet;
  CHECK_THROWS_WITH(NodeSet::parse("n[1-100000]99999"), Catch::Contains("range too large"));
  CHECK_THROWS_WITH(RangeSet::parse("0-999999999"), Catch::Contains("range too large"));
  CHECK(RangeSet::parse("1-999999999").size() == 999999999);
  CHECK(NodeSet::parse("n[1-100000]9999").size() == 100000);
}
