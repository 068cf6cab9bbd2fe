#include "greenlight/core/json.h"

#include <nlohmann/json.hpp>

namespace greenlight {

std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

}  // namespace greenlight
