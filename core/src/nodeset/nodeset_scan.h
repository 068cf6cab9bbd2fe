// Reading node set text into terms, as ClusterShell 1.9's _scan_string
// does: "a[1-2]b,c!d" -> (',', "a%sb", 1-2), ('!', "c", -), ... Pure
// functions of the text; groups, operators' meaning and group sources are
// the parser's (nodeset_parser.h). Errors are NodeSetParseError naming the
// whole input and the place of the part at fault.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nodeset_impl.h"

namespace greenlight::detail {

/// One operand of a node set string: the operator before it (',' for the
/// first), its pattern ("da%sc%s", '%' written "%%") and its indexes.
struct Term {
  char op;
  std::string pattern;
  Indexes indexes;
};

/// The terms of `text` (escaped by escape()), in order; `whole` is the input
/// errors name. O(size of text).
std::vector<Term> scan_terms(std::string_view whole, std::string_view text);

/// A name without brackets or operators: every digit run is an index
/// ("da2c3" -> "da%sc%s", 2, 3); appends to `pattern` and `indexes`.
void scan_single(std::string_view whole, std::string_view text, std::string& pattern,
                 std::vector<RangeSet>& indexes);

/// No index, one or several, as a pattern holds them.
Indexes to_indexes(std::vector<RangeSet> sets);

/// `text` stripped as Python's strip() does, '%' doubled so that names may
/// hold '%'.
std::string escape(std::string_view text);

/// Throws NodeSetParseError at a NUL byte or a decimal digit outside ASCII
/// (python_digit.h): either would give the set another meaning than
/// ClusterShell's.
void refuse_ambiguous_bytes(std::string_view text);

}  // namespace greenlight::detail
