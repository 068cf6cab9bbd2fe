// Findings: what a verdict found wrong, grouped by status, turned into the
// one-line message of a CheckResult.
#pragma once

#include <string>
#include <vector>

#include "greenlight/checks/check_result.h"

namespace greenlight::checks::detail {

class Findings {
 public:
  void add(Status status, std::string what) {
    items_.push_back({status, std::move(what)});
    worst_ = worst(worst_, status);
  }
  Status status() const { return worst_; }
  bool empty() const { return items_.empty(); }

  /// The most severe findings first, "; "-separated, at most `max` of them,
  /// then "(+N more: ...)" naming the rest when they are short together
  /// (an operator should not have to look elsewhere for one more host),
  /// else "(+N more)". `ok_message` when there is none.
  std::string message(const std::string& ok_message, std::size_t max = 4) const {
    if (items_.empty()) return ok_message;
    std::string out, rest;
    std::size_t shown = 0;
    for (int level = 3; level >= 0; --level) {
      for (const auto& [status, what] : items_) {
        if (severity(status) != level) continue;
        std::string& into = shown < max ? out : rest;
        if (!into.empty()) into += "; ";
        into += what;
        ++shown;
      }
    }
    if (shown <= max) return out;
    constexpr std::size_t kRestShown = 240;  // characters
    return out + " (+" + std::to_string(shown - max) + " more" +
           (rest.size() <= kRestShown ? ": " + rest : std::string()) + ")";
  }

 private:
  struct Item {
    Status status;
    std::string what;
  };
  std::vector<Item> items_;
  Status worst_ = Status::ok;
};

}  // namespace greenlight::checks::detail
