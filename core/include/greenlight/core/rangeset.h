// Range sets with ClusterShell 1.9 semantics: sets of zero-padded decimal
// indexes such as "1-5,08-11,001".
//
// As in ClusterShell 1.9, an element is a digit string, so "1" and "01" are
// different elements; elements sort by length, then value. Elements are kept
// as runs of consecutive values of one length, so ranges of millions of
// indexes cost a few words.
//
// Elements added out of order wait in a side list that is sorted and merged
// in once it is twice as long as the set, or when the set is next read:
// adding n elements in any order costs O(n log n), never O(n^2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight {

/// A malformed range set; what() reads like ClusterShell's message
/// ("invalid values in range: \"5-1\"").
class RangeSetParseError : public std::runtime_error {
 public:
  RangeSetParseError(const std::string& part, const std::string& message)
      : std::runtime_error(message + " : \"" + part + "\""), part_(part) {}
  const std::string& part() const { return part_; }

 private:
  std::string part_;
};

/// A number too large for an index (more than 18 digits but its leading
/// zeros): what() names it and the largest index ("99999999999999999999 is
/// too large for a node index (at most 999999999999999999)"); part() is the
/// range it stands in.
class RangeSetIndexError : public RangeSetParseError {
 public:
  RangeSetIndexError(const std::string& part, const std::string& number, const std::string& message)
      : RangeSetParseError(part, message), number_(number), message_(message) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& number() const { return number_; }

 private:
  std::string number_;
  std::string message_;
};

/// Value type. Not synchronised: one thread at a time, const methods
/// included (a read merges the elements waiting to be sorted in).
class RangeSet {
 public:
  /// Consecutive values [first, last] whose digit strings all have `width`
  /// characters (zero-padded when the value has fewer digits). Width 0 holds
  /// negative values ("-5"), which ClusterShell sorts before all others.
  struct Run {
    std::int32_t width;
    std::int64_t first;
    std::int64_t last;
    friend bool operator==(const Run&, const Run&) = default;
  };

  RangeSet() = default;

  /// Parses "a-b/step,c,..."; throws RangeSetParseError.
  static RangeSet parse(std::string_view text);
  /// One element written as the digit string `digits` (padding kept).
  static RangeSet single(std::string_view digits);
  /// The elements of one run (its values written at its width).
  static RangeSet of_run(const Run& run) {
    RangeSet set;
    set.runs_.push_back(run);
    return set;
  }
  /// The elements of `runs`, given in any order, overlapping or not.
  static RangeSet of_runs(std::vector<Run> runs);

  /// Adds the element written `digits` (padding kept); cheap when elements
  /// come in order. Returns false, adding nothing, when `digits` is not a
  /// digit string RangeSet can hold.
  bool add_digits(std::string_view digits);

  /// Adds first..last (inclusive) by `step`, zero-padded to `pad` digits.
  void add_range(std::int64_t first, std::int64_t last, std::int64_t step, std::int32_t pad);

  std::size_t size() const;
  bool empty() const { return runs_.empty() && pending_.empty(); }
  /// Sorted by (width, first), disjoint, touching runs of a width merged.
  const std::vector<Run>& runs() const {
    settle();
    return runs_;
  }

  /// The folded form, exactly as str(RangeSet) in ClusterShell (autostep off).
  std::string fold() const;
  /// The same with ClusterShell's autostep: "a-b/step" where at least
  /// `autostep` indexes share a step; nullopt is fold().
  std::string fold(std::optional<std::int64_t> autostep) const;
  /// fold(autostep) appended to `out`.
  void fold_to(std::string& out, std::optional<std::int64_t> autostep) const;
  /// The ranges of fold(), one RangeSet each (ClusterShell's contiguous()).
  std::vector<RangeSet> contiguous() const;
  /// contiguous() of a ClusterShell RangeSet whose autostep is set: its
  /// last piece may be a stepped range ("1,5,9" whole), as in ClusterShell.
  std::vector<RangeSet> contiguous(std::optional<std::int64_t> autostep) const;
  /// Calls f(std::string_view digits) for every element in order.
  template <typename F>
  void for_each(F&& f) const;
  std::vector<std::string> expand() const;
  /// The elements at positions [begin, end) of the order above.
  RangeSet slice(std::size_t begin, std::size_t end) const;

  bool contains(std::string_view digits) const;
  bool is_subset_of(const RangeSet& other) const;
  bool intersects(const RangeSet& other) const;

  void update(const RangeSet& other);
  void difference_update(const RangeSet& other);
  void intersection_update(const RangeSet& other);
  void symmetric_difference_update(const RangeSet& other);

  friend bool operator==(const RangeSet& a, const RangeSet& b) { return a.runs() == b.runs(); }

  /// The digit string of `value` at `width` characters.
  static std::string digits(std::int64_t value, std::int32_t width);
  /// The same written into `buffer` (32 bytes); returns its length.
  static std::size_t write_digits(char* buffer, std::int64_t value, std::int32_t width);

 private:
  /// Adds one run in any order: appended when it sorts last, otherwise put
  /// in pending_.
  void add_run(const Run& run);
  /// Merges pending_ into runs_.
  void settle() const;

  mutable std::vector<Run> runs_;     // sorted by (width, first); disjoint, non-adjacent per width
  mutable std::vector<Run> pending_;  // added out of order, any order, maybe overlapping
};

template <typename F>
void RangeSet::for_each(F&& f) const {
  char buffer[32];
  for (const auto& run : runs()) {
    std::size_t length = write_digits(buffer, run.first, run.width);
    if (run.first < 0) {
      for (std::int64_t v = run.first;; ++v) {
        f(std::string_view(buffer, write_digits(buffer, v, run.width)));
        if (v == run.last) break;
      }
      continue;
    }
    // Counts in decimal in place: the next value's digits differ from the
    // last ones in the trailing nines only.
    for (std::int64_t v = run.first;; ++v) {
      f(std::string_view(buffer, length));
      if (v == run.last) break;
      std::size_t i = length;
      while (i > 0 && buffer[i - 1] == '9') buffer[--i] = '0';
      if (i > 0) {
        ++buffer[i - 1];
      } else {  // 999 -> 1000: one digit more
        std::memmove(buffer + 1, buffer, length);
        buffer[0] = '1';
        ++length;
      }
    }
  }
}

}  // namespace greenlight
