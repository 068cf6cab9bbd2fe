// Parsed<T>: the value a pure parser returns, either the parsed struct or a
// ParseError saying why the input was rejected. Parsers never throw on
// malformed program output; they return a ParseError.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace greenlight::checks {

/// Why an output could not be parsed. `reason` is one line naming the
/// program, the element or line, and what is wrong with it.
struct ParseError {
  std::string reason;
};

template <class T>
class Parsed {
 public:
  Parsed(T value) : value_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Parsed(ParseError error) : value_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.index() == 0; }
  explicit operator bool() const { return ok(); }

  /// Precondition: ok(). Throws std::bad_variant_access otherwise (a
  /// programming error, not an input error).
  const T& value() const& { return std::get<0>(value_); }
  T& value() & { return std::get<0>(value_); }
  T&& value() && { return std::get<0>(std::move(value_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  /// Precondition: !ok().
  const ParseError& error() const { return std::get<1>(value_); }

 private:
  std::variant<T, ParseError> value_;
};

}  // namespace greenlight::checks
