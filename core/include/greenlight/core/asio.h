// The one way into Boost.Asio (1.18 on Debian 12): <utility> must come first
// there, or <boost/asio.hpp> does not compile.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace greenlight {
namespace asio = boost::asio;
}  // namespace greenlight
