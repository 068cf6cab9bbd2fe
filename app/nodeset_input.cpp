#include "nodeset_input.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "greenlight/core/percent_format.h"
#include "nodeset_output.h"

namespace greenlight::app {
namespace {

// A word that parses as one node name: no brackets, operators, groups,
// wildcards or '%'. Such words skip the full parser (same result, faster).
bool is_plain_word(std::string_view word) {
  // A character loop: find_first_of with a set calls memchr per character.
  for (const char c : word) {
    switch (c) {
      case '[':
      case ']':
      case '@':
      case ',':
      case '!':
      case '&':
      case '^':
      case '*':
      case '?':
      case '%':
        return false;
      default:
        break;
    }
  }
  return true;
}

// Calls f(std::string_view word) for every word of `input` (standard
// input), read as ClusterShell reads it: lines, a '#' starting a comment,
// words between blanks.
template <typename F>
void for_each_word(std::string_view input, F&& f) {
  std::size_t line_start = 0;
  while (line_start < input.size()) {
    // Python's text mode: "\r\n" and "\r" end lines as "\n" does.
    std::size_t line_end = line_start;
    while (line_end < input.size() && input[line_end] != '\n' && input[line_end] != '\r')
      ++line_end;
    const bool terminated = line_end < input.size();
    std::string_view line = input.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (terminated && input[line_end] == '\r' && line_start < input.size() &&
        input[line_start] == '\n')
      ++line_start;
    // ClusterShell cuts each line at line.find('#'): with no '#' that is
    // the line without its last character, the newline, or the last
    // character itself on an unterminated last line.
    if (auto hash = line.find('#'); hash != std::string_view::npos) {  // one memchr
      line = line.substr(0, hash);
    } else if (!terminated && !line.empty()) {
      line.remove_suffix(1);
    }
    std::size_t pos = 0;
    const auto blank = [](char c) {
      return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' ||
             c == '\x1e' || c == '\x1f';
    };
    while (pos < line.size()) {
      std::size_t start = pos;
      while (start < line.size() && blank(line[start])) ++start;
      if (start == line.size()) break;
      std::size_t end = start;
      while (end < line.size() && !blank(line[end])) ++end;
      f(line.substr(start, end - start));
      pos = end;
    }
  }
}

}  // namespace

std::string read_stdin() {
  // All of standard input in one buffer, read straight into it: a file's
  // size is known ahead, a pipe's buffer doubles.
  std::string input;
  struct stat status {};
  std::size_t capacity = 1 << 16;
  if (::fstat(STDIN_FILENO, &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0)
    capacity = static_cast<std::size_t>(status.st_size) + 1;
  std::size_t length = 0;
  for (;;) {
    if (length == input.size()) input.resize(std::max(capacity, 2 * input.size()));
    const ssize_t n = ::read(STDIN_FILENO, input.data() + length, input.size() - length);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("standard input: {}", std::strerror(errno)));
    }
    length += static_cast<std::size_t>(n);
  }
  input.resize(length);
  return input;
}

NodeSet NodeSetOps::parse(const std::string& text) const {
  return NodeSet::parse(text, &groups_, GroupPolicy::kClusterShell);
}

NodeSet NodeSetOps::from_input(std::string_view input) const {
  NodeSet set;
  // Plain names go to the builder in bulk; any other word is parsed, after
  // the names before it, so that errors come in the order of the input.
  NodeSetBuilder plain;
  plain.reserve(static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n')) + 1);
  bool pending = false;
  for_each_word(input, [&](std::string_view word) {
    if (is_plain_word(word)) {
      plain.add(word);
      pending = true;
      return;
    }
    if (pending) set.update(plain.take());
    pending = false;
    set.update(parse(std::string(word)));
  });
  if (pending) set.update(plain.take());
  return set;
}

NodeSet NodeSetOps::from_members(const std::vector<std::string>& members) const {
  std::string joined;
  for (const auto& member : members) joined += (joined.empty() ? "" : ",") + member;
  return parse(joined);
}

std::string NodeSetOps::expand(const NodeSet& set, const std::string& format,
                               const std::string& separator) const {
  return expand_with_format(set, format, separator);
}

RangeSet RangeSetOps::from_input(std::string_view input) const {
  RangeSet set;
  for_each_word(input, [&](std::string_view word) { set.update(RangeSet::parse(word)); });
  return set;
}

std::vector<RangeSet> RangeSetOps::split(const RangeSet& set, std::size_t parts) const {
  const std::size_t total = set.size();
  std::vector<RangeSet> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < std::min(parts, total); ++i) {
    const std::size_t length = total / parts + (i < total % parts ? 1 : 0);
    out.push_back(set.slice(begin, begin + length));
    begin += length;
  }
  return out;
}

RangeSet RangeSetOps::from_members(const std::vector<std::string>& members) const {
  RangeSet set;
  for (const auto& member : members) set.add_digits(member);
  return set;
}

std::string RangeSetOps::expand(const RangeSet& set, const std::string& format,
                                const std::string& separator) const {
  std::string out;
  bool first = true;
  set.for_each([&](std::string_view digits) {
    if (!first) out += separator;
    first = false;
    out += percent_format(format, digits);
  });
  return out;
}

std::string RangeSetOps::fold(const RangeSet& set, const std::string& format,
                              const FoldStyle& style) const {
  const std::string folded = set.fold(style.autostep);
  return percent_format(format, PercentObject{folded, "RangeSet"});
}

}  // namespace greenlight::app
