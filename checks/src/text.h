// Small text helpers shared by the parsers (private to checks).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace greenlight::checks::detail {

/// `text` without leading and trailing blanks (space, tab, CR, LF).
std::string_view trim(std::string_view text);

/// Strict decimal parse of the whole trimmed text; nullopt otherwise
/// (empty, sign where not allowed, trailing junk, overflow).
std::optional<std::int64_t> to_int(std::string_view text);
std::optional<std::uint64_t> to_uint(std::string_view text);

/// The words of `text`, separated by blanks (spaces and tabs).
std::vector<std::string_view> split_blank(std::string_view text);

/// The non-blank lines of a program's output, trimmed, with their 1-based
/// numbers (blank lines counted): `Lines lines(out); std::string_view l;
/// while (lines.next(l)) ... lines.number() ...`. Views into `text`.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  /// The next non-blank line; false at the end.
  bool next(std::string_view& line);
  /// The number of the line `next` gave last.
  std::size_t number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t start_ = 0;
  std::size_t number_ = 0;
};

}  // namespace greenlight::checks::detail
