// ClusterShell 1.9's _scan_string and the reading of one node name, as
// the parser (nodeset_parser.h) takes them: brackets, digits around
// brackets, ranges, errors with their place in the input.
#include "nodeset_scan.h"

#include <fmt/format.h>

#include <optional>
#include <tuple>

#include "greenlight/core/python_digit.h"
#include "greenlight/core/python_space.h"

namespace greenlight::detail {
namespace {

constexpr std::string_view kOperators = ",!&^";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ClusterShell's messages read `message: "part"`; ours add where the part
// stands in the input.
[[noreturn]] void fail(std::string_view whole, std::string_view part, std::string_view message) {
  std::size_t position = part.empty() ? 0 : whole.find(part);
  if (position == std::string_view::npos) position = 0;
  std::string text = part.empty() ? std::string(message) : fmt::format("{}: \"{}\"", message, part);
  throw NodeSetParseError(text, std::string(whole), position);
}

[[noreturn]] void fail_range(std::string_view whole, const RangeSetParseError& error) {
  if (const auto* large = dynamic_cast<const RangeSetIndexError*>(&error)) {
    // "node[1-99999999999999999999]: 99999999999999999999 is too large for
    // a node index (at most ...)", at the number.
    std::size_t position = whole.find(large->number());
    if (position == std::string_view::npos) position = 0;
    throw NodeSetParseError(fmt::format("{}: {}", whole, large->what()), std::string(whole),
                            position);
  }
  fail(whole, error.what(), "bad range");
}

RangeSet parse_range(std::string_view whole, std::string_view text) {
  try {
    return RangeSet::parse(text);
  } catch (const RangeSetParseError& error) {
    fail_range(whole, error);
  }
}

std::pair<std::size_t, char> next_operator(std::string_view s) {
  const std::size_t at = s.find_first_of(kOperators);
  if (at == std::string_view::npos) return {std::string_view::npos, '\0'};
  return {at, s[at]};
}

// "node-00" + "1-6" -> "node-", "001-006": digits before the bracket join
// every range.
std::pair<std::string, std::string> amend_leading_digits(std::string_view whole,
                                                         std::string_view outer,
                                                         std::string inner) {
  std::size_t keep = outer.size();
  while (keep > 0 && is_digit(outer[keep - 1])) --keep;
  if (keep == outer.size()) return {std::string(outer), inner};
  const std::string digits(outer.substr(keep));
  std::string amended;
  for (const auto& part : parse_range(whole, inner).contiguous()) {
    // "1[-1]" would read "1-11", a range nobody wrote; ClusterShell refuses
    // some of these and folds others into such ranges: all are refused here.
    if (!part.runs().empty() && part.runs().front().first < 0) {
      fail(whole, outer, "digits before a bracket cannot join a negative index");
    }
    const std::string folded = part.fold();
    if (!amended.empty()) amended += ',';
    std::size_t from = 0;
    for (;;) {
      const auto dash = folded.find('-', from);
      amended +=
          digits + folded.substr(from, dash == std::string::npos ? std::string::npos : dash - from);
      if (dash == std::string::npos) break;
      amended += '-';
      from = dash + 1;
    }
  }
  return {std::string(outer.substr(0, keep)), amended};
}

// "1-6" + "0-ib" -> "10-60/10", "-ib": digits after the bracket shift every
// range by a power of ten.
std::pair<std::string_view, std::string> amend_trailing_digits(std::string_view whole,
                                                               std::string_view outer,
                                                               const std::string& inner) {
  std::size_t skip = 0;
  while (skip < outer.size() && is_digit(outer[skip])) ++skip;
  if (skip == 0) return {outer, inner};
  if (inner.find('/') != std::string::npos) {
    fail(whole, outer, "illegal trailing digits after range with steps");
  }
  const std::string digits(outer.substr(0, skip));
  std::string amended;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t comma = inner.find(',', pos);
    const std::string element =
        inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::string shifted;
    std::size_t bound_start = 0;
    for (;;) {
      const std::size_t dash = element.find('-', bound_start);
      shifted += element.substr(bound_start,
                                dash == std::string::npos ? std::string::npos : dash - bound_start);
      shifted += digits;
      if (dash == std::string::npos) break;
      shifted += '-';
      bound_start = dash + 1;
    }
    if (shifted.find('-') != std::string::npos) shifted += "/1" + std::string(digits.size(), '0');
    if (!amended.empty() || pos > 0) amended += ',';
    amended += shifted;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return {outer.substr(skip), amended};
}

// The first `c` at or after a position of one text, for positions that
// only grow: each character is looked at once over a whole scan, where a
// fresh find() from every term would read the rest of a long list again.
class NextChar {
 public:
  NextChar(std::string_view text, char c) : text_(text), c_(c) {}
  std::size_t find(std::string_view tail) {
    const auto from = static_cast<std::size_t>(tail.data() - text_.data());
    if (!known_ || (found_ != std::string_view::npos && found_ < from)) {
      found_ = text_.find(c_, from);
      known_ = true;
    }
    return found_ == std::string_view::npos ? found_ : found_ - from;
  }

 private:
  std::string_view text_;
  char c_;
  bool known_ = false;
  std::size_t found_ = std::string_view::npos;
};

}  // namespace

// A name without brackets: every digit run is an index ("da2c3" -> "da%sc%s").
void scan_single(std::string_view whole, std::string_view text, std::string& pattern,
                 std::vector<RangeSet>& indexes) {
  if (text.empty()) fail(whole, text, "parse error");
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t prefix_start = pos;
    while (pos < text.size() && !is_digit(text[pos])) ++pos;
    pattern.append(text.substr(prefix_start, pos - prefix_start));
    const std::size_t digits_start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos > digits_start) {
      pattern += "%s";
      try {
        indexes.push_back(RangeSet::single(text.substr(digits_start, pos - digits_start)));
      } catch (const RangeSetParseError& error) {
        fail_range(whole, error);
      }
    }
  }
}

Indexes to_indexes(std::vector<RangeSet> sets) {
  if (sets.size() > 1) return RangeSetND(std::move(sets));
  if (sets.size() == 1) return std::move(sets.front());
  return std::monostate{};
}

// ClusterShell's _scan_string: splits "a[1-2]b,c!d" into (operator, pattern,
// indexes) terms. Every piece is a view of `text`: nothing is copied past
// the term at hand, so a list of n names is read in O(n).
std::vector<Term> scan_terms(std::string_view whole, std::string_view text) {
  std::vector<Term> terms;
  NextChar next_open(text, '[');
  NextChar next_close(text, ']');
  char next_op = ',';
  std::optional<std::string_view> rest(text);
  // '[' before the next operator (npos when there is none).
  auto bracket_before = [&](std::string_view s, std::size_t op_at) {
    const std::size_t open = next_open.find(s);
    return open != std::string_view::npos && (op_at == std::string_view::npos || open < op_at)
               ? open
               : std::string_view::npos;
  };
  while (rest && !rest->empty()) {
    std::string_view current = python_lstrip(*rest);
    rest.reset();
    std::vector<RangeSet> sets;
    const char op = next_op;
    auto [op_at, op_char] = next_operator(current);
    next_op = op_char;
    std::size_t bracket_at = bracket_before(current, op_at);
    std::string pattern;
    if (bracket_at != std::string_view::npos) {
      std::string_view suffix = current;
      while (bracket_at != std::string_view::npos) {
        const std::size_t open = bracket_at;
        std::string prefix(suffix.substr(0, open));
        suffix = suffix.substr(open + 1);
        const std::size_t close = suffix.find(']');
        if (close == std::string_view::npos) fail(whole, current, "missing bracket");
        std::string range(suffix.substr(0, close));
        suffix = suffix.substr(close + 1);
        if (prefix.find(']') != std::string::npos) fail(whole, prefix, "illegal closing bracket");
        if (!suffix.empty()) {
          const std::size_t end = next_close.find(suffix);
          std::size_t start = next_open.find(suffix);
          if (start == std::string_view::npos) start = end == std::string_view::npos ? 0 : end + 1;
          if (end != std::string_view::npos && end < start)
            fail(whole, suffix, "illegal closing bracket");
        }
        if (!suffix.empty()) std::tie(suffix, range) = amend_trailing_digits(whole, suffix, range);
        if (!prefix.empty()) {
          std::tie(prefix, range) = amend_leading_digits(whole, prefix, range);
          if (!prefix.empty()) {
            std::string prefix_pattern;
            scan_single(whole, prefix, prefix_pattern, sets);
            prefix = prefix_pattern;
          }
        }
        std::tie(op_at, next_op) = next_operator(suffix);
        bracket_at = bracket_before(suffix, op_at);
        if (!suffix.empty() && suffix.front() == '[')
          fail(whole, suffix, "illegal reopening bracket");
        pattern += prefix + "%s";
        sets.push_back(parse_range(whole, range));
      }
      std::tie(op_at, next_op) = next_operator(suffix);
      if (op_at != std::string_view::npos) {
        rest = suffix.substr(op_at + 1);
        suffix = suffix.substr(0, op_at);
        if (rest->empty()) {
          fail(whole, "", fmt::format("missing nodeset operand with '{}' operator", next_op));
        }
      }
      suffix = python_rstrip(suffix);
      if (!suffix.empty()) scan_single(whole, suffix, pattern, sets);
    } else {
      std::string_view node = current;
      if (op_at != std::string_view::npos) {
        node = current.substr(0, op_at);
        rest = current.substr(op_at + 1);
        if (node.empty() || rest->empty()) {
          fail(whole, node.empty() ? *rest : node,
               fmt::format("missing nodeset operand with '{}' operator", next_op));
        }
      }
      if (node.find(']') != std::string_view::npos) fail(whole, node, "illegal closing bracket");
      scan_single(whole, python_rstrip(node), pattern, sets);
    }
    terms.push_back({op, std::move(pattern), to_indexes(std::move(sets))});
  }
  return terms;
}

std::string escape(std::string_view text) {
  text = python_strip(text);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

// ClusterShell matches digits with \d and reads them with int(): "n\u0661"
// is n1 to it. A name that means another machine to the tool beside is
// refused, as is a NUL byte.
void refuse_ambiguous_bytes(std::string_view text) {
  if (const auto at = text.find('\0'); at != std::string_view::npos)
    throw NodeSetParseError("a node set cannot hold a NUL byte", std::string(text), at);
  if (const auto digit = find_non_ascii_digit(text)) {
    throw NodeSetParseError(describe(*digit, text) + ": node names take the ASCII digits 0-9",
                            std::string(text), digit->offset);
  }
}

}  // namespace greenlight::detail
