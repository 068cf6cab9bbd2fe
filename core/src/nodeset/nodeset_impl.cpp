// NodeSet::Impl: the pattern map and its set algebra, following
// ClusterShell's NodeSetBase (update, difference_update, ...).
#include "nodeset_impl.h"

#include <fmt/format.h>

namespace greenlight {
namespace detail {

bool has_indexes(const Indexes& indexes) {
  if (const auto* one = std::get_if<RangeSet>(&indexes)) return !one->empty();
  if (const auto* many = std::get_if<RangeSetND>(&indexes)) return !many->empty();
  return false;
}

std::string format_pattern(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(pattern.size() + 8);
  std::size_t next = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 's') {
        if (next < args.size()) out += args[next];
        ++next;
      } else {
        out += pattern[i + 1];
      }
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::vector<std::string> pattern_pieces(std::string_view pattern) {
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      if (pattern[i + 1] == 's') {
        pieces.emplace_back();
      } else {
        pieces.back() += pattern[i + 1];
      }
      ++i;
    } else {
      pieces.back() += pattern[i];
    }
  }
  return pieces;
}

namespace {

Indexes copy_of(const Indexes& indexes) {
  if (const auto* many = std::get_if<RangeSetND>(&indexes)) return many->copy();
  return indexes;
}

std::size_t count(const Indexes& indexes) {
  if (const auto* one = std::get_if<RangeSet>(&indexes)) return one->size();
  if (const auto* many = std::get_if<RangeSetND>(&indexes)) return many->size();
  return 1;
}

void update_indexes(Indexes& mine, const Indexes& other) {
  if (auto* one = std::get_if<RangeSet>(&mine)) {
    one->update(std::get<RangeSet>(other));
  } else if (auto* many = std::get_if<RangeSetND>(&mine)) {
    many->update(std::get<RangeSetND>(other));
  }
}

}  // namespace
}  // namespace detail

void NodeSet::Impl::add(const std::string& pattern, const Indexes& indexes) {
  auto it = patterns.find(pattern);
  if (it == patterns.end()) {
    patterns.emplace(pattern, detail::has_indexes(indexes) ? detail::copy_of(indexes) : indexes);
    return;
  }
  if (it->second.index() != indexes.index()) {
    throw NodeSetParseError(fmt::format("inconsistent indexes for pattern \"{}\"", pattern),
                            pattern, 0);
  }
  if (detail::has_indexes(it->second)) detail::update_indexes(it->second, indexes);
}

void NodeSet::Impl::update(const Impl& other) {
  for (const auto& [pattern, indexes] : other.patterns) add(pattern, indexes);
}

void NodeSet::Impl::update(Impl&& other) {
  for (auto& [pattern, indexes] : other.patterns) {
    if (std::holds_alternative<RangeSet>(indexes) && !patterns.contains(pattern)) {
      patterns.emplace(pattern, std::move(indexes));
    } else {
      add(pattern, indexes);
    }
  }
}

void NodeSet::Impl::difference_update(const Impl& other) {
  std::vector<std::string> purge;
  for (const auto& [pattern, excluded] : other.patterns) {
    auto it = patterns.find(pattern);
    if (it == patterns.end()) continue;
    auto& mine = it->second;
    if (!detail::has_indexes(mine)) {
      purge.push_back(pattern);
      continue;
    }
    if (auto* one = std::get_if<RangeSet>(&mine)) {
      one->difference_update(std::get<RangeSet>(excluded));
    } else {
      std::get<detail::RangeSetND>(mine).difference_update(std::get<detail::RangeSetND>(excluded));
    }
    if (detail::count(mine) == 0) purge.push_back(pattern);
  }
  for (const auto& pattern : purge) patterns.erase(pattern);
}

void NodeSet::Impl::intersection_update(const Impl& other) {
  if (&other == this) return;
  Impl common;
  for (const auto& [pattern, theirs] : other.patterns) {
    auto it = patterns.find(pattern);
    const bool found = it != patterns.end();
    if (found && detail::has_indexes(it->second)) {
      Indexes both = detail::copy_of(it->second);
      if (auto* one = std::get_if<RangeSet>(&both)) {
        one->intersection_update(std::get<RangeSet>(theirs));
      } else {
        std::get<detail::RangeSetND>(both).intersection_update(
            std::get<detail::RangeSetND>(theirs));
      }
      if (detail::count(both) > 0) common.patterns.emplace(pattern, std::move(both));
    } else if (!detail::has_indexes(theirs) && found) {
      common.patterns.emplace(pattern, Indexes{});
    }
  }
  patterns = std::move(common.patterns);
}

void NodeSet::Impl::symmetric_difference_update(const Impl& other) {
  std::vector<std::string> purge;
  for (auto& [pattern, mine] : patterns) {
    auto it = other.patterns.find(pattern);
    if (it != other.patterns.end() && detail::has_indexes(it->second)) {
      if (auto* one = std::get_if<RangeSet>(&mine)) {
        one->symmetric_difference_update(std::get<RangeSet>(it->second));
      } else if (auto* many = std::get_if<detail::RangeSetND>(&mine)) {
        many->symmetric_difference_update(std::get<detail::RangeSetND>(it->second));
      }
    } else if (it != other.patterns.end()) {
      purge.push_back(pattern);
    }
  }
  for (const auto& [pattern, theirs] : other.patterns) {
    auto it = patterns.find(pattern);
    if (it == patterns.end()) add(pattern, theirs);
  }
  for (const auto& [pattern, mine] : patterns) {
    if (!std::holds_alternative<std::monostate>(mine) && detail::count(mine) == 0)
      purge.push_back(pattern);
  }
  for (const auto& pattern : purge) patterns.erase(pattern);
}

void NodeSet::Impl::settle() const {
  for (const auto& [pattern, indexes] : patterns) {
    if (const auto* one = std::get_if<RangeSet>(&indexes)) {
      one->runs();
    } else if (const auto* many = std::get_if<detail::RangeSetND>(&indexes)) {
      for (const auto& vector : many->vectors()) {
        for (const auto& axis : vector) axis.runs();
      }
    }
  }
}

std::size_t NodeSet::Impl::size() const {
  std::size_t total = 0;
  for (const auto& [pattern, indexes] : patterns) total += detail::count(indexes);
  return total;
}

}  // namespace greenlight
