#include "run_list.h"

#include <algorithm>

namespace greenlight::detail {
namespace {

// The first run of `runs` at or after `from` that does not end before
// (width, value): a binary search, since runs of one width are sorted by
// first and by last alike.
RunList::const_iterator first_reaching(RunList::const_iterator from, RunList::const_iterator end,
                                       std::int32_t width, std::int64_t value) {
  return std::partition_point(from, end, [&](const Run& run) {
    return run.width < width || (run.width == width && run.last < value);
  });
}

}  // namespace

void append_run(RunList& runs, const Run& run) {
  if (!runs.empty()) {
    auto& last = runs.back();
    if (last.width == run.width && run.first <= last.last + 1) {
      last.last = std::max(last.last, run.last);
      return;
    }
  }
  runs.push_back(run);
}

RunList sorted_runs(RunList runs) {
  // A lambda, not a function pointer, so that the comparison is inlined.
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return run_less(a, b); });
  RunList out;
  out.reserve(runs.size());
  for (const auto& run : runs) append_run(out, run);
  return out;
}

RunList run_union(const RunList& a, const RunList& b) {
  RunList out;
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j >= b.size() || (i < a.size() && run_less(a[i], b[j]))) {
      append_run(out, a[i++]);
    } else {
      append_run(out, b[j++]);
    }
  }
  return out;
}

RunList run_difference(const RunList& a, const RunList& b) {
  RunList out;
  auto j = b.begin();
  for (const auto& run : a) {
    j = first_reaching(j, b.end(), run.width, run.first);
    std::int64_t first = run.first;
    bool alive = true;
    for (auto k = j; alive && k != b.end() && k->width == run.width && k->first <= run.last; ++k) {
      if (k->first > first) out.push_back({run.width, first, k->first - 1});
      if (k->last >= run.last) {
        alive = false;
      } else {
        first = std::max(first, k->last + 1);
      }
    }
    if (alive) out.push_back({run.width, first, run.last});
  }
  return out;
}

RunList run_intersection(const RunList& a, const RunList& b) {
  // Walk the shorter list, searching the longer one.
  const RunList& small = a.size() <= b.size() ? a : b;
  const RunList& large = a.size() <= b.size() ? b : a;
  RunList out;
  auto j = large.begin();
  for (const auto& run : small) {
    j = first_reaching(j, large.end(), run.width, run.first);
    for (auto k = j; k != large.end() && k->width == run.width && k->first <= run.last; ++k) {
      out.push_back({run.width, std::max(run.first, k->first), std::min(run.last, k->last)});
    }
  }
  return out;
}

bool runs_intersect(const RunList& a, const RunList& b) {
  const RunList& small = a.size() <= b.size() ? a : b;
  const RunList& large = a.size() <= b.size() ? b : a;
  auto j = large.begin();
  for (const auto& run : small) {
    j = first_reaching(j, large.end(), run.width, run.first);
    if (j != large.end() && j->width == run.width && j->first <= run.last) return true;
  }
  return false;
}

}  // namespace greenlight::detail
