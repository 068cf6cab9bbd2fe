// Node sets written and cut the ways ClusterShell's nodeset options ask for:
// fold with autostep and fold axes (NodeSetBase.__str__ and _iter_nd_pat),
// positional slices and contiguous(). Free functions over a NodeSet's
// inside: they read it and build new ones, and own nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nodeset_impl.h"

namespace greenlight::detail {

/// The folded form of `nodes` as ClusterShell prints it with `style`.
std::string fold_nodes(const NodeSet::Impl& nodes, const FoldStyle& style);

/// The nodes at positions [begin, end) of the iteration order, cut pattern
/// by pattern (names are not read again).
NodeSet::Impl slice_nodes(const NodeSet::Impl& nodes, std::size_t begin, std::size_t end);

/// ClusterShell's NodeSet.contiguous(): one set per pattern and contiguous
/// range of indexes, in order.
std::vector<NodeSet::Impl> contiguous_nodes(const NodeSet::Impl& nodes,
                                            std::optional<std::int64_t> autostep);

}  // namespace greenlight::detail
