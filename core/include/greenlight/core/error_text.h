// What a user reads of an exception that reached the top of a command: a
// library's own wording (std::bad_alloc's "std::bad_alloc") is replaced by
// the cause and what to do.
#pragma once

#include <exception>
#include <string>

namespace greenlight {

/// The message for `error`: for std::bad_alloc, "not enough memory: ..."
/// naming the likely cause (an input far larger than a cluster: a node set,
/// a listing, a YAML alias expansion); for any other exception its what().
/// Pure; any thread.
std::string error_text(const std::exception& error);

}  // namespace greenlight
