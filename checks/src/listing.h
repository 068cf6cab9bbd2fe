// Short lists of names for one-line messages.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace greenlight::checks::detail {

/// "a, b, c" — at most `max` items, then ", and N more".
std::string join_names(const std::vector<std::string>& names, std::size_t max = 5);

/// "1 brick" / "2 bricks".
std::string count_of(std::size_t n, const char* singular, const char* plural);

}  // namespace greenlight::checks::detail
