// One line of a terminal or a log: every control byte a message quotes is
// written as an escape (a NUL or an ESC from the control socket, a tab from
// a file), so it can neither cut nor fake a line.
#include "greenlight/core/one_line.h"

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("one_line escapes every control byte and keeps the rest") {
  using greenlight::one_line;
  CHECK(one_line("exec a") == "exec a");
  CHECK(one_line(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(one_line("esc\x1b[2J\x1b[31mred") == "esc\\x1b[2J\\x1b[31mred");
  CHECK(one_line("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\\tfour");
  CHECK(one_line("del\x7f") == "del\\x7f");
  CHECK(one_line("naïve ✓") == "naïve ✓");  // UTF-8 kept
}
