#include "nodeset_input.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "greenlight/core/percent_format.h"
#include "greenlight/core/python_space.h"
#include "nodeset_output.h"

namespace greenlight::app {
namespace {

// How standard input's characters are read, as ClusterShell reads them:
// lines (Python's sys.stdin ends them at "\n" only, on POSIX: a "\r" is a
// blank), a '#' starting a comment to the end of the line, words between
// blanks (str.split(): Unicode ones too, whose UTF-8 starts with one of
// the kMaybeBlank bytes, python_space.h).
constexpr std::uint8_t kWordChar = 0;
constexpr std::uint8_t kBlank = 1;
constexpr std::uint8_t kLineEnd = 2;
constexpr std::uint8_t kComment = 4;
constexpr std::uint8_t kSyntax = 8;  // in a word: brackets, operators, groups, wildcards or '%'
constexpr std::uint8_t kMaybeBlank = 16;  // the first byte of a Unicode blank's UTF-8

constexpr std::array<std::uint8_t, 256> kCharClasses = [] {
  std::array<std::uint8_t, 256> classes{};
  for (const unsigned char c : {' ', '\t', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f'})
    classes[c] = kBlank;
  classes['\n'] = kLineEnd;
  classes['#'] = kComment;
  for (const unsigned char c : {'[', ']', '@', ',', '!', '&', '^', '*', '?', '%'})
    classes[c] = kSyntax;
  for (const unsigned char c : {0xc2, 0xe1, 0xe2, 0xe3}) classes[c] = kMaybeBlank;
  return classes;
}();

// The bytes of `text`'s last character as Python reads UTF-8: a whole
// sequence when `text` ends with a valid one (U+2003 is 3 bytes), else one
// byte (a byte that is not UTF-8 is one surrogate escape).
std::size_t last_character_bytes(std::string_view text) {
  std::size_t continuation = 0;
  while (continuation < 3 && continuation < text.size() &&
         (static_cast<unsigned char>(text[text.size() - 1 - continuation]) & 0xc0) == 0x80)
    ++continuation;
  if (continuation == 0 || continuation == text.size()) return 1;
  const auto lead = static_cast<unsigned char>(text[text.size() - 1 - continuation]);
  const std::size_t length = lead >= 0xf0 && lead < 0xf5 ? 4
                             : lead >= 0xe0 && lead < 0xf0 ? 3
                             : lead >= 0xc2 && lead < 0xe0 ? 2
                                                          : 0;
  if (length != continuation + 1) return 1;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are
  // not UTF-8 either (RFC 3629, section 4).
  const auto second = static_cast<unsigned char>(text[text.size() - continuation]);
  if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) ||
      (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second >= 0x90))
    return 1;
  return length;
}

// Calls f(std::string_view word, bool plain) for every word of `input`
// (standard input), in one pass; `plain` words parse as one node name (no
// node set syntax) and may skip the parser: same result, faster.
template <typename F>
void for_each_word(std::string_view input, F&& f) {
  // ClusterShell cuts each line at line.find('#'): with no '#' that is the
  // line without its last character, the newline, or the last character
  // itself on an unterminated last line.
  if (!input.empty() && kCharClasses[static_cast<unsigned char>(input.back())] != kLineEnd) {
    const std::size_t last_line = input.rfind('\n') + 1;  // npos + 1 == 0
    if (input.find('#', last_line) == std::string_view::npos)
      input.remove_suffix(last_character_bytes(input));
  }
  const auto class_of = [&](std::size_t i) {
    return kCharClasses[static_cast<unsigned char>(input[i])];
  };
  // The length of the blank at i (0: none there).
  const auto blank_at = [&](std::size_t i, std::uint8_t c) -> std::size_t {
    if (c == kBlank || c == kLineEnd) return 1;
    return c == kMaybeBlank ? python_space_at_front(input.substr(i)) : 0;
  };
  std::size_t i = 0;
  while (i < input.size()) {
    std::uint8_t c = class_of(i);
    if (const std::size_t blank = blank_at(i, c)) {
      i += blank;
    } else if (c == kComment) {
      while (i < input.size() && class_of(i) != kLineEnd) ++i;
    } else {
      const std::size_t start = i;
      std::uint8_t seen = 0;  // the classes of the word's characters
      do {
        seen |= c;
        ++i;
      } while (i < input.size() && ((c = class_of(i)) & (kBlank | kLineEnd | kComment)) == 0 &&
               blank_at(i, c) == 0);
      f(input.substr(start, i - start), (seen & kSyntax) == 0);
    }
  }
}

}  // namespace

std::vector<std::string_view> python_splitlines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0, i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;  // of the line end at i
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) {
      length = c == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
    } else if (text.substr(i, 2) == "\xc2\x85" || text.substr(i, 3) == "\xe2\x80\xa8" ||
               text.substr(i, 3) == "\xe2\x80\xa9") {
      length = c == 0xc2 ? 2 : 3;
    }
    if (length == 0) {
      ++i;
      continue;
    }
    lines.push_back(text.substr(start, i - start));
    i += length;
    start = i;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

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
  plain.reserve(input.size() / 2);  // at most: a word and a separator take two characters
  bool pending = false;
  for_each_word(input, [&](std::string_view word, bool plain_word) {
    if (plain_word) {
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
  check_node_ceiling(set.size(), "the node set to expand");
  return expand_with_format(set, format, separator);
}

RangeSet RangeSetOps::from_input(std::string_view input) const {
  RangeSet set;
  for_each_word(input, [&](std::string_view word, bool) { set.update(RangeSet::parse(word)); });
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
  check_node_ceiling(set.size(), "the range set to expand");
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
