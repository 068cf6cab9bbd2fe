// One line of a terminal or a log: every control byte a message quotes is
// written as an escape (a NUL or an ESC from the control socket, a tab from
// a file), so it can neither cut nor fake a line.
// And what a user reads of an exception: never a library's bare wording.
#include "greenlight/core/one_line.h"

#include <catch2/catch.hpp>
#include <new>
#include <stdexcept>
#include <string>

#include "greenlight/core/error_text.h"

TEST_CASE("one_line escapes every control byte and keeps the rest") {
  using greenlight::one_line;
  CHECK(one_line("exec a") == "exec a");
  CHECK(one_line(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(one_line("esc\x1b[2J\x1b[31mred") == "esc\\x1b[2J\\x1b[31mred");
  CHECK(one_line("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\\tfour");
  CHECK(one_line("del\x7f") == "del\\x7f");
  CHECK(one_line("naïve ✓") == "naïve ✓");  // UTF-8 kept
}

TEST_CASE("error_text names the cause of a bad_alloc instead of std::bad_alloc") {
  const std::string memory = greenlight::error_text(std::bad_alloc());
  CHECK(memory.find("std::bad_alloc") == std::string::npos);
  CHECK(memory.rfind("not enough memory: ", 0) == 0);
  CHECK(greenlight::error_text(std::bad_array_new_length()).rfind("not enough memory", 0) == 0);
  CHECK(greenlight::error_text(std::runtime_error("a.yaml:3:4: bad")) == "a.yaml:3:4: bad");
}
