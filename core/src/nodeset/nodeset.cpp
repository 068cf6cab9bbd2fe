// NodeSet: the value handed out, over its Impl (nodeset_impl.h), the
// parser (nodeset_parser.h), the views (nodeset_views.h) and the builder.
#include "greenlight/core/nodeset.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "nodeset_impl.h"
#include "nodeset_parser.h"
#include "nodeset_views.h"

namespace greenlight {

NodeSet::NodeSet() : impl_(std::make_unique<Impl>()) {}
NodeSet::NodeSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeSet::~NodeSet() = default;
NodeSet::NodeSet(const NodeSet& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
NodeSet::NodeSet(NodeSet&& other) noexcept : impl_(std::move(other.impl_)) {}
NodeSet& NodeSet::operator=(const NodeSet& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
NodeSet& NodeSet::operator=(NodeSet&& other) noexcept {
  impl_ = std::move(other.impl_);
  return *this;
}

NodeSet NodeSet::parse(std::string_view text, const GroupResolver* groups, GroupPolicy policy) {
  detail::NodeSetParser parser(groups, policy);
  auto impl = std::make_unique<Impl>(parser.parse(text));
  impl->settle();
  return NodeSet(std::move(impl));
}

NodeSet NodeSet::from_names(const std::vector<std::string>& names) {
  NodeSetBuilder builder;
  builder.reserve(names.size());
  for (const auto& name : names) builder.add(name);
  return builder.take();
}

std::string NodeSet::fold() const { return impl_ ? detail::fold_nodes(*impl_, {}) : std::string(); }
std::string NodeSet::fold(const FoldStyle& style) const {
  return impl_ ? detail::fold_nodes(*impl_, style) : std::string();
}

std::size_t node_ceiling() {
  static const std::size_t ceiling = [] {
    const char* text = std::getenv("GREENLIGHT_MAX_NODES");
    if (text == nullptr || *text == '\0') return std::size_t{1'000'000};
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    return (end != nullptr && *end == '\0' && value > 0) ? static_cast<std::size_t>(value)
                                                         : std::size_t{1'000'000};
  }();
  return ceiling;
}

void check_node_ceiling(std::size_t size, std::string_view what) {
  if (size <= node_ceiling()) return;
  throw std::runtime_error(
      fmt::format("{}: {} nodes, more than the {} greenlight acts on at once (a typo in a range? "
                  "GREENLIGHT_MAX_NODES raises the ceiling)",
                  what, size, node_ceiling()));
}

std::vector<std::string> NodeSet::expand() const {
  std::vector<std::string> names;
  if (!impl_) return names;
  names.reserve(impl_->size());
  impl_->for_each([&](std::string name) { names.push_back(std::move(name)); });
  return names;
}

void NodeSet::for_each(const std::function<void(const std::string&)>& f) const {
  if (impl_) impl_->for_each(f);
}

// A million names go through this loop: every call in it inlined, whatever
// the compiler's budget for this file.
[[gnu::flatten]] void NodeSet::expand_to(std::string& out, std::string_view separator) const {
  if (!impl_) return;
  bool first = true;
  impl_->for_each([&](const std::string& name) {
    if (!first) out.append(separator);
    first = false;
    out.append(name);
  });
}

std::size_t NodeSet::size() const { return impl_ ? impl_->size() : 0; }
bool NodeSet::empty() const { return !impl_ || impl_->patterns.empty(); }

NodeSet NodeSet::slice(std::size_t begin, std::size_t end) const {
  if (!impl_) return NodeSet();
  return NodeSet(std::make_unique<Impl>(detail::slice_nodes(*impl_, begin, end)));
}

std::vector<NodeSet> NodeSet::contiguous(std::optional<std::int64_t> autostep) const {
  std::vector<NodeSet> out;
  if (!impl_) return out;
  for (auto& piece : detail::contiguous_nodes(*impl_, autostep))
    out.push_back(NodeSet(std::make_unique<Impl>(std::move(piece))));
  return out;
}

std::vector<NodeSet> NodeSet::split(std::size_t parts) const {
  const std::size_t total = size();
  std::vector<NodeSet> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < std::min(parts, total); ++i) {
    const std::size_t length = total / parts + (i < total % parts ? 1 : 0);
    out.push_back(slice(begin, begin + length));
    begin += length;
  }
  return out;
}

bool NodeSet::contains(std::string_view node) const {
  if (!impl_) return false;
  try {
    detail::NodeSetParser parser(nullptr, GroupPolicy::kStrict);
    Impl probe = parser.parse_single(node);
    Impl copy = probe;
    copy.difference_update(*impl_);
    return !probe.patterns.empty() && copy.patterns.empty();
  } catch (const NodeSetParseError&) {
    return false;
  }
}

NodeSet& NodeSet::update(const NodeSet& other) {
  impl_->update(*other.impl_);
  return *this;
}
NodeSet& NodeSet::update(NodeSet&& other) {
  if (&other != this && other.impl_) impl_->update(std::move(*other.impl_));
  return *this;
}
NodeSet& NodeSet::difference_update(const NodeSet& other) {
  impl_->difference_update(*other.impl_);
  return *this;
}
NodeSet& NodeSet::intersection_update(const NodeSet& other) {
  impl_->intersection_update(*other.impl_);
  return *this;
}
NodeSet& NodeSet::symmetric_difference_update(const NodeSet& other) {
  impl_->symmetric_difference_update(*other.impl_);
  return *this;
}

bool operator==(const NodeSet& a, const NodeSet& b) {
  if (a.size() != b.size()) return false;
  NodeSet rest = a;
  rest.difference_update(b);
  return rest.empty();
}

}  // namespace greenlight
