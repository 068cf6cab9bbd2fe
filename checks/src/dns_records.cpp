#include "dns_records.h"

#include <algorithm>

namespace greenlight::checks::detail {

WantedNames wanted_names(const std::vector<AddressRecord>& records) {
  WantedNames out;
  for (const auto& record : records) {
    for (const auto& name : record.names) {
      auto [it, added] = out.addresses.try_emplace(name);
      if (added) out.order.push_back(name);
      if (std::find(it->second.begin(), it->second.end(), record.address) == it->second.end()) {
        it->second.push_back(record.address);
      }
    }
  }
  return out;
}

std::vector<std::string> absent_addresses(const std::vector<std::string>& want,
                                          const std::vector<std::string>& got) {
  std::vector<std::string> absent;
  for (const auto& address : want) {
    if (std::find(got.begin(), got.end(), address) == got.end()) absent.push_back(address);
  }
  return absent;
}

}  // namespace greenlight::checks::detail
