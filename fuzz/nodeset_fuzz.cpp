// libFuzzer target: the node set parser and its operators. Input: two node
// sets A and B separated by a newline. Properties checked in process:
// fold() parses back to the same set and folds the same; size() is the
// length of expand(); every expanded name is contained and gives the same
// set through from_names(); ',' '!' '&' '^' agree with set algebra on the
// expanded names. With $GREENLIGHT_FUZZ_NODESET_DUMP set to a file, each
// input's outcome is appended there (hex input, fold, size) for
// fuzz/nodeset_clustershell.py, the differential oracle against
// ClusterShell run by `make fuzz` on a sample of the corpus.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "fuzz_support.h"
#include "greenlight/core/nodeset.h"

using greenlight::NodeSet;
using greenlight::fuzz::fail;

namespace {

// Expanding more than this per input would only slow the fuzzer down.
constexpr std::size_t kExpandLimit = 2048;


std::optional<NodeSet> parse(std::string_view text) {
  try {
    return NodeSet::parse(text, &greenlight::fuzz::groups());
  } catch (const std::runtime_error&) {
    return std::nullopt;  // NodeSetParseError, GroupResolutionError: refused, not a crash
  }
}

std::string hex(std::string_view text) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

void dump(std::string_view input, const std::optional<NodeSet>& set) {
  static const char* path = std::getenv("GREENLIGHT_FUZZ_NODESET_DUMP");
  if (path == nullptr) return;
  FILE* out = std::fopen(path, "a");
  if (out == nullptr) fail("cannot open the dump file", path);
  if (set) {
    std::fprintf(out, "%s\tok\t%s\t%zu\n", hex(input).c_str(), hex(set->fold()).c_str(),
                 set->size());
  } else {
    std::fprintf(out, "%s\terror\n", hex(input).c_str());
  }
  std::fclose(out);
}

// Python's str.isspace() on ASCII: C's six blanks and \x1c-\x1f, which
// ClusterShell strips around a range element (written here apart from the
// parser's own table, so that the oracle does not share its mistakes).
bool python_blank(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

// True when `text` may hold a negative index: a '-' right after '[' or ','
// (Python's blanks aside: "n[\x1e-3]" is "n[-3]"), or a range element with two '-' ("2-1-4", which
// ClusterShell reads as -1-4: "da[2-1-4]" folds to "da[-1-4]" there too).
bool negative_index(std::string_view text) {
  char last = 0;
  int dashes = 0;  // in the current bracket element
  bool in_bracket = false;
  for (char c : text) {
    if (c == '-' && (last == '[' || last == ',')) return true;
    if (c == '[') in_bracket = true;
    if (c == ']') in_bracket = false;
    if (c == '[' || c == ',' || c == '/') dashes = 0;
    if (in_bracket && c == '-' && ++dashes > 1) return true;
    if (!python_blank(c)) last = c;
  }
  return false;
}

// Checks `set` parsed from `text`; true when set algebra on its names holds.
// ClusterShell's sets with a negative index behave apart, and greenlight's
// with them: "n[-5]" folds to "n-5", a node of another pattern, so
// "n[-5],n-5" holds two nodes of one name; "n[-3-1]" expands "n-3" but does
// not contain it; "x1y1,x[-10]" folds to "x-10,x1y1", which folds to
// "x1y1,x-10". Those only go to the differential oracle (ClusterShell).
bool check_alone(std::string_view text, const NodeSet& set) {
  const std::string folded = set.fold();
  const auto again = parse(folded);
  if (!again) fail("fold() does not parse back", folded);
  if (negative_index(text) || negative_index(folded)) return false;
  if (again->fold() != folded) fail("fold() does not round-trip", folded);
  if (!(*again == set)) fail("fold() reads back as another set", folded);
  if (set.size() > kExpandLimit) return true;
  const auto names = set.expand();
  if (names.size() != set.size()) fail("size() differs from expand()'s length", text);
  if (set.empty() != names.empty()) fail("empty() differs from expand()", text);
  for (const auto& name : names) {
    if (!set.contains(name)) fail("an expanded name is not contained", name);
  }
  if (!(NodeSet::from_names(names) == set)) fail("from_names(expand()) differs", text);
  std::set<std::string> unique(names.begin(), names.end());
  if (unique.size() != names.size()) fail("expand() repeats a name", text);
  return true;
}

void check_operators(const NodeSet& a, const NodeSet& b) {
  if (a.size() > kExpandLimit || b.size() > kExpandLimit) return;
  const auto an = a.expand();
  const auto bn = b.expand();
  const std::set<std::string> as(an.begin(), an.end()), bs(bn.begin(), bn.end());
  std::set<std::string> all(as);
  all.insert(bs.begin(), bs.end());
  // `keep(in_a, in_b)` says which names the operator leaves.
  auto expect = [&](const NodeSet& got, bool (*keep)(bool, bool), const char* op) {
    std::set<std::string> want;
    for (const auto& n : all) {
      if (keep(as.count(n) != 0, bs.count(n) != 0)) want.insert(n);
    }
    const auto names = got.expand();
    if (std::set<std::string>(names.begin(), names.end()) != want || names.size() != want.size())
      fail(op, a.fold() + " " + op + " " + b.fold() + " = " + got.fold());
    (void)check_alone(got.fold(), got);
  };
  NodeSet u = a, d = a, i = a, x = a;
  expect(u.update(b), [](bool in_a, bool in_b) { return in_a || in_b; }, ",");
  expect(d.difference_update(b), [](bool in_a, bool in_b) { return in_a && !in_b; }, "!");
  expect(i.intersection_update(b), [](bool in_a, bool in_b) { return in_a && in_b; }, "&");
  expect(x.symmetric_difference_update(b), [](bool in_a, bool in_b) { return in_a != in_b; }, "^");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("GREENLIGHT_MAX_NODES", "100000", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  greenlight::fuzz::Input input(data, size);
  const std::string_view text_a = input.field('\n');
  const std::string_view text_b = input.rest();
  const auto a = parse(text_a);
  dump(text_a, a);
  const bool a_canonical = a && check_alone(text_a, *a);
  if (text_b.empty()) return 0;
  const auto b = parse(text_b);
  const bool b_canonical = b && check_alone(text_b, *b);
  if (a_canonical && b_canonical) check_operators(*a, *b);
  return 0;
}
