// `runbook plan -o dot`: the digraph drawn from the same Plan the text plan
// prints: clusters per phase in order, steps with their resolved nodes and
// commands, gates, remedies, edges in exec's order; and labels quoted so any
// command (quotes, backslashes, newlines, control bytes, bad UTF-8) stays
// valid DOT. tests/integration/runbook_plan_dot_test.sh renders it with dot.
#include <catch2/catch.hpp>
#include <regex>

#include "greenlight/runbook/plan.h"
#include "support/runbook_fakes.h"

using namespace greenlight;
using namespace greenlight::testing;

namespace {

struct Planned {
  config::Diagnostics diagnostics;
  config::Site site;
  std::vector<runbook::Runbook> books;
  runbook::Plan plan;
  explicit Planned(const std::string& book) : site(site_with(book, diagnostics)) {
    books = runbook::load_runbooks(site, diagnostics);
    INFO(diagnostics.format());
    REQUIRE(diagnostics.ok());
    REQUIRE(books.size() == 1);
    plan = runbook::plan_runbook(books[0], site);
  }
};

std::size_t count_of(const std::string& text, const std::regex& pattern) {
  return static_cast<std::size_t>(std::distance(
      std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

// Outside quoted strings: every `"` opens or closes one, and a quoted string
// never holds a raw newline or an unescaped quote.
bool quotes_balanced(const std::string& dot) {
  bool quoted = false;
  for (std::size_t i = 0; i < dot.size(); ++i) {
    if (quoted && dot[i] == '\\') {
      ++i;
      continue;
    }
    if (quoted && dot[i] == '\n') return false;
    if (dot[i] == '"') quoted = !quoted;
  }
  return !quoted;
}

}  // namespace

TEST_CASE("plan -o dot: a cluster per phase in order, steps and gates as resolved, exec's order") {
  Planned p(R"(      gates:
        g:
          description: a is green
          checks: [{check: a}]
          remedy:
            steps:
              - run: {on: "@remedy:hosts", command: systemctl restart fleet}
      phases:
        - name: first
          title: the first phase
          require: [g]
          steps:
            - run: {on: "n[2-3]", command: echo hi}
            - confirm: "go on, then"
        - name: second
          steps:
            - power: {on: n4, action: "off"}
          wait_for: [g]
)");
  const std::string dot = runbook::render_plan_dot(p.plan);
  INFO(dot);
  CHECK(dot.rfind("digraph \"runbook book\" {\n", 0) == 0);
  CHECK(quotes_balanced(dot));
  const auto first = dot.find("subgraph \"cluster_1\"");
  const auto second = dot.find("subgraph \"cluster_2\"");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK_THAT(dot, Catch::Contains("label=\"1. first - the first phase\\l\""));
  CHECK_THAT(dot, Catch::Contains("step 1 run\\lon n[2-3] (2 nodes)\\l$ echo hi\\l"));
  CHECK_THAT(dot, Catch::Contains("step 2 confirm\\lgo on, then\\l"));
  CHECK_THAT(dot, Catch::Contains("step 1 power off\\lon n4 (1 node), from n1\\l"));
  CHECK_THAT(dot, Catch::Contains("require g\\la is green\\lcheck a expect ok"));
  CHECK_THAT(dot, Catch::Contains("wait for g\\la is green\\l"));
  CHECK_THAT(dot, Catch::Contains("shape=hexagon"));
  CHECK_THAT(dot, Catch::Contains("remedy step 1 run\\lon @remedy:hosts (resolved at run time)"));
  // 2 gates + 3 steps + 2 remedy steps; edges: 4 in order + 2 per remedy.
  CHECK(count_of(dot, std::regex(R"(\n    "[^"]+" \[label=)")) == 7);
  CHECK(count_of(dot, std::regex(R"(\n  "[^"]+" -> "[^"]+")")) == 8);
  CHECK_THAT(dot, Catch::Contains("\"phase1_require1\" -> \"phase1_step1\" [label=\"require\"]"));
  CHECK_THAT(dot, Catch::Contains("\"phase1_step2\" -> \"phase2_step1\";"));
  CHECK_THAT(dot, Catch::Contains("\"phase2_step1\" -> \"phase2_wait_for1\" [label=\"wait_for\"]"));
  CHECK_THAT(dot,
             Catch::Contains("\"phase2_wait_for1_remedy1\" -> \"phase2_wait_for1\" [style=dashed"));
}

TEST_CASE(
    "plan -o dot: quotes, backslashes, newlines and control bytes in a command stay valid DOT") {
  Planned p(R"(      phases:
        - name: odd
          title: "quo\"te a \\ title"
          steps:
            - run:
                on: n2
                command: "printf '%s\\n' \"a\\\\b\" <x> {y}|z\nsecond line\ttab \e end\\"
)");
  const std::string dot = runbook::render_plan_dot(p.plan);
  INFO(dot);
  CHECK(quotes_balanced(dot));
  CHECK_THAT(dot, Catch::Contains("label=\"1. odd - quo\\\"te a \\\\ title\\l\""));
  // printf '%s\n' "a\\b" <x> {y}|z / second line / tab and ESC shown as \x09, \x1b
  CHECK_THAT(dot,
             Catch::Contains(
                 R"($ printf '%s\\n' \"a\\\\b\" <x> {y}|z\lsecond line\\x09tab \\x1b end\\\l)"));
}

TEST_CASE("dot_quoted escapes what a DOT string cannot hold as is") {
  CHECK(runbook::dot_quoted("plain") == "\"plain\"");
  CHECK(runbook::dot_quoted("a\"b") == R"("a\"b")");
  CHECK(runbook::dot_quoted("a\\") == R"("a\\")");
  CHECK(runbook::dot_quoted("a\nb") == R"("a\lb")");
  CHECK(runbook::dot_quoted("\x01") == R"("\\x01")");
  CHECK(runbook::dot_quoted("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(runbook::dot_quoted("bad\xFF") == "\"bad\xEF\xBF\xBD\"");
  CHECK(runbook::dot_quoted("\xE0\x80\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST_CASE("plan -o dot: long prose is broken at spaces into lines, a command never") {
  Planned p(R"(      phases:
        - name: only
          steps:
            - manual: "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
            - run: {on: n2, command: "echo one two three four five six seven eight nine ten eleven twelve thirteen fourteen"}
)");
  const std::string dot = runbook::render_plan_dot(p.plan);
  INFO(dot);
  CHECK_THAT(dot, Catch::Contains("one two three four five six seven eight nine ten eleven twelve "
                                  "thirteen\\lfourteen fifteen\\l"));
  CHECK_THAT(dot, Catch::Contains("$ echo one two three four five six seven eight nine ten eleven "
                                  "twelve thirteen fourteen\\l"));
}
