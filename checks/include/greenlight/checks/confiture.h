// confiture `addresses:` (the DNS/hosts source of the restart procedure):
// which names must resolve, to which address, and which are critical (must
// stay resolvable while the DNS VMs are down).
//
//   addresses:
//     top[1-3]:               # a node set
//       default: [ adm ]      # network(s) the bare node name points to
//       eq: 10.0.0.[1-3]      # network: an address set, paired one to one
//       adm:  10.1.0.[1-3]
//       data: 10.5.0.[1-3]
//       critical: True
//
// Names: a record of network N is published as "<node>-<N>"; the records of
// the default network(s) are also published under the bare "<node>". This
// follows confiture's hosts/zone convention as we understand it; see
// docs/checks.md.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/parsed.h"

namespace greenlight::checks {

struct AddressRecord {
  std::string node;     ///< "top1"
  std::string network;  ///< "adm"
  std::string address;  ///< "10.1.0.1"
  bool critical = false;
  bool default_network = false;
  /// The DNS names of this record: "top1-adm", and "top1" first when the
  /// network is a default one.
  std::vector<std::string> names;
};

/// Expands a node set expression ("top[1-3]", "10.0.0.[1-3]") into its
/// elements in order. May throw (std::exception) on a malformed expression;
/// the parser turns that into a ParseError.
using NodeSetExpander = std::function<std::vector<std::string>(std::string_view)>;

/// Parses the YAML text of a confiture configuration holding `addresses:`.
/// Node sets and address sets are expanded with `expand` and paired element
/// by element; different sizes, a network without address, a `default`
/// naming an unknown network, malformed YAML: ParseError
/// "SOURCE:LINE:COL: reason". Records come in document order, node by node.
Parsed<std::vector<AddressRecord>> parse_confiture_addresses(std::string_view yaml,
                                                             const NodeSetExpander& expand,
                                                             std::string_view source = "addresses");

/// Same, expanding with greenlight::NodeSet (ClusterShell syntax, no groups).
Parsed<std::vector<AddressRecord>> parse_confiture_addresses(std::string_view yaml,
                                                             std::string_view source = "addresses");

/// The critical records only.
std::vector<AddressRecord> critical_records(const std::vector<AddressRecord>& records);

}  // namespace greenlight::checks
