// The default expander of confiture addresses: greenlight::NodeSet. Kept in
// its own file so that callers injecting their own expander do not pull in
// the node set library.
#include "greenlight/checks/confiture.h"
#include "greenlight/core/nodeset.h"

namespace greenlight::checks {

Parsed<std::vector<AddressRecord>> parse_confiture_addresses(std::string_view yaml,
                                                             std::string_view source) {
  return parse_confiture_addresses(
      yaml,
      [](std::string_view text) {
        const NodeSet set = NodeSet::parse(text);
        check_node_ceiling(set.size(), text);  // before its names take memory
        return set.expand();
      },
      source);
}

}  // namespace greenlight::checks
