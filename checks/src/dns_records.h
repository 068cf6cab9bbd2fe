// The names of confiture records and the addresses each must hold, shared by
// the verdicts over resolvers and over hosts files (private to checks).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "greenlight/checks/confiture.h"

namespace greenlight::checks::detail {

struct WantedNames {
  std::vector<std::string> order;  ///< every name once, in record order
  /// name -> every address it must hold, in record order (a bare node name
  /// holds those of all its default networks).
  std::map<std::string, std::vector<std::string>> addresses;
};
WantedNames wanted_names(const std::vector<AddressRecord>& records);

/// The addresses of `want` absent from `got`.
std::vector<std::string> absent_addresses(const std::vector<std::string>& want,
                                          const std::vector<std::string>& got);

}  // namespace greenlight::checks::detail
