#include "nodeset_input.h"

#include <cstdio>

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

}  // namespace

std::vector<std::string> read_stdin_words() {
  // All of standard input at once: line-by-line iostream reads cost more
  // than the parsing.
  std::string input;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
    if (n == 0) break;
    input.append(buffer, n);
  }
  std::vector<std::string> words;
  std::size_t line_start = 0;
  while (line_start < input.size()) {
    // Python's text mode: "\r\n" and "\r" end lines as "\n" does.
    std::size_t line_end = line_start;
    while (line_end < input.size() && input[line_end] != '\n' && input[line_end] != '\r')
      ++line_end;
    const bool terminated = line_end < input.size();
    std::string_view line(input.data() + line_start, line_end - line_start);
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
      words.emplace_back(line.substr(start, end - start));
      pos = end;
    }
  }
  return words;
}

NodeSet NodeSetOps::parse(const std::string& text) const {
  return NodeSet::parse(text, &groups_, GroupPolicy::kClusterShell);
}

NodeSet NodeSetOps::from_words(std::vector<std::string> words) const {
  NodeSet set;
  std::vector<std::string> plain;
  auto flush = [&]() {
    if (plain.empty()) return;
    set.update(NodeSet::from_names(plain));
    plain.clear();
  };
  for (auto& word : words) {
    if (is_plain_word(word)) {
      plain.push_back(std::move(word));
    } else {
      flush();
      set.update(parse(word));
    }
  }
  flush();
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

RangeSet RangeSetOps::from_words(std::vector<std::string> words) const {
  RangeSet set;
  for (const auto& word : words) set.update(RangeSet::parse(word));
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
