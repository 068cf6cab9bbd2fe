// Node sets built from names one at a time (NodeSetBuilder):
// names with one numeric part, the bulk of any real list, are kept as
// integer keys per pattern and sorted once, in any order they come in.
#include <array>
#include <cstdint>
#include <unordered_map>

#include "greenlight/core/nodeset.h"
#include "nodeset_impl.h"
#include "nodeset_parser.h"
#include "run_list.h"

namespace greenlight {
namespace {

constexpr std::uint8_t kDigit = 1;
// '%', the ASCII blanks of Python (python_space.h) and any byte past ASCII
// (a Unicode blank the parser strips or keeps, a digit outside ASCII it
// refuses): names holding one go through the parser.
constexpr std::uint8_t kParserOnly = 2;
constexpr auto kNameChars = [] {
  std::array<std::uint8_t, 256> classes{};
  for (unsigned char c = '0'; c <= '9'; ++c) classes[c] = kDigit;
  for (const unsigned char c :
       {'%', ' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f'})
    classes[c] = kParserOnly;
  for (unsigned c = 0x80; c <= 0xff; ++c) classes[c] = kParserOnly;
  return classes;
}();

bool parser_only(std::string_view name) {
  for (const char c : name) {
    if (kNameChars[static_cast<unsigned char>(c)] == kParserOnly) return true;
  }
  return false;
}

// A plain name with several numeric parts (r12n3, da2c1p0) added straight
// to its pattern's multi-dimensional set, as the parser would add it; false
// (nothing added) for anything the parser must see: '%', blanks, a part too
// long for a range set, a pattern already holding another kind of indexes.
bool add_multi_index_name(NodeSet::Impl& impl, std::string_view name, std::string& pattern) {
  if (parser_only(name)) return false;
  detail::RangeVector vector;
  pattern.clear();
  std::size_t pos = 0;
  while (pos < name.size()) {
    const std::size_t digit = name.find_first_of("0123456789", pos);
    if (digit == std::string_view::npos) {
      pattern.append(name.substr(pos));
      break;
    }
    std::size_t end = name.find_first_not_of("0123456789", digit);
    if (end == std::string_view::npos) end = name.size();
    if (end - digit > 18) return false;
    pattern.append(name.substr(pos, digit - pos));
    pattern += "%s";
    vector.push_back(RangeSet::single(name.substr(digit, end - digit)));
    pos = end;
  }
  if (vector.size() < 2) return false;
  auto it = impl.patterns.find(pattern);
  if (it == impl.patterns.end()) {
    impl.patterns.emplace(pattern, detail::RangeSetND(std::move(vector)));
    return true;
  }
  auto* many = std::get_if<detail::RangeSetND>(&it->second);
  if (many == nullptr) return false;
  many->add_vector(std::move(vector));
  return true;
}

// The first numeric part of a name, [first, end), its value, and whether it
// is the only one in a name RangeSet takes as it is: no '%', no blank, at
// most 18 digits.
struct NumericPart {
  std::size_t first = 0;
  std::size_t end = 0;
  std::uint64_t value = 0;  // when single
  bool single = false;
};

NumericPart numeric_part(std::string_view name) {
  const auto class_of = [&](std::size_t i) {
    return kNameChars[static_cast<unsigned char>(name[i])];
  };
  NumericPart part;
  std::uint8_t prefix = 0, suffix = 0;  // classes seen around the numeric part
  std::size_t i = 0;
  while (i < name.size() && class_of(i) != kDigit) prefix |= class_of(i++);
  part.first = i;
  // Wraps past 19 digits, where the value is not used.
  for (; i < name.size() && class_of(i) == kDigit; ++i)
    part.value = part.value * 10 + static_cast<std::uint64_t>(name[i] - '0');
  part.end = i;
  while (i < name.size()) suffix |= class_of(i++);
  part.single = part.first < name.size() && part.end - part.first <= 18 &&
                ((prefix | suffix) & (kDigit | kParserOnly)) == 0;
  return part;
}

}  // namespace

struct NodeSetBuilder::State {
  // The names "prefix<index>suffix" of one pattern, as order keys of their
  // indexes (detail::order_key).
  struct Pattern {
    std::string prefix;
    std::string suffix;
    std::vector<std::uint64_t> keys;
  };
  std::vector<Pattern> patterns;
  std::unordered_map<std::string, std::size_t> by_name;  // "prefix%ssuffix" -> patterns[i]
  std::size_t last = 0;                                  // the pattern of the last name, if any
  std::size_t reserved = 0;                              // room for the first pattern's keys
  NodeSet::Impl rest;  // names of another kind, as the parser reads them
  std::string scratch;

  Pattern& pattern_of(std::string_view prefix, std::string_view suffix) {
    if (last < patterns.size() && patterns[last].prefix == prefix &&
        patterns[last].suffix == suffix)
      return patterns[last];
    scratch.assign(prefix);
    scratch += "%s";
    scratch.append(suffix);
    auto [it, added] = by_name.try_emplace(scratch, patterns.size());
    if (added) {
      patterns.push_back({std::string(prefix), std::string(suffix), {}});
      if (patterns.size() == 1) patterns.back().keys.reserve(reserved);
    }
    last = it->second;
    return patterns[last];
  }
};

NodeSetBuilder::NodeSetBuilder() : state_(std::make_unique<State>()) {}
NodeSetBuilder::~NodeSetBuilder() = default;

void NodeSetBuilder::reserve(std::size_t names) {
  state_->reserved = names;
  if (!state_->patterns.empty()) state_->patterns.front().keys.reserve(names);
}

void NodeSetBuilder::add(std::string_view name) {
  const NumericPart part = numeric_part(name);
  if (part.single) {
    const auto width = static_cast<std::int32_t>(part.end - part.first);
    state_->pattern_of(name.substr(0, part.first), name.substr(part.end))
        .keys.push_back(detail::order_key(width, static_cast<std::int64_t>(part.value)));
    return;
  }
  if (part.first < name.size() && add_multi_index_name(state_->rest, name, state_->scratch)) return;
  detail::NodeSetParser parser(nullptr, GroupPolicy::kStrict);
  state_->rest.update(parser.parse_single(name));
}

NodeSet NodeSetBuilder::take() {
  auto impl = std::make_unique<NodeSet::Impl>(std::move(state_->rest));
  for (auto& pattern : state_->patterns) {
    RangeSet indexes = RangeSet::of_runs(detail::runs_of_keys(pattern.keys));
    std::string name = std::move(pattern.prefix) + "%s" + pattern.suffix;
    auto it = impl->patterns.find(name);
    if (it == impl->patterns.end()) {
      impl->patterns.emplace(std::move(name), std::move(indexes));
    } else {
      impl->add(name, indexes);
    }
  }
  *state_ = State();
  impl->settle();
  return NodeSet(std::move(impl));
}

}  // namespace greenlight
