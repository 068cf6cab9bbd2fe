#include "greenlight/core/power.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

#include "greenlight/core/shell.h"

namespace greenlight {

std::string power_command(const config::Site& site, const std::string& node,
                          const std::string& action) {
  const config::Host* host = site.host(node);
  const std::string bmc = host != nullptr ? host->bmc : std::string();
  std::string out;
  const std::string& text = site.power.command;
  for (std::size_t i = 0; i < text.size();) {
    auto placeholder = [&](std::string_view name) {
      return text.compare(i, name.size(), name) == 0;
    };
    if (placeholder("{node}")) {
      out += shell_quote(node);
      i += 6;
    } else if (placeholder("{bmc}")) {
      if (bmc.empty()) {
        throw std::runtime_error(
            fmt::format("{}: no BMC address (hosts: {}: bmc: ...)", node, node));
      }
      out += shell_quote(bmc);
      i += 5;
    } else if (placeholder("{action}")) {
      out += shell_quote(action);
      i += 8;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace greenlight
