#include "greenlight/core/error_text.h"

#include <new>

namespace greenlight {

std::string error_text(const std::exception& error) {
  if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr) {
    return "not enough memory: the input asks for more than this machine can hold "
           "(a node set, a command's output or a configuration far larger than a cluster's)";
  }
  return error.what();
}

}  // namespace greenlight
