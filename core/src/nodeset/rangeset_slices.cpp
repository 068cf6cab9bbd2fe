#include "rangeset_slices.h"

#include <algorithm>

namespace greenlight::detail {
namespace {

// Appends "start", "start-last" or "start-last/step".
void write(std::string& out, const Slice& slice) {
  char buffer[32];
  out.append(buffer, RangeSet::write_digits(buffer, slice.start, slice.pad));
  if (slice.start + 1 == slice.stop) return;
  out += '-';
  out.append(buffer, RangeSet::write_digits(buffer, slice.stop - 1, slice.pad));
  if (slice.step == 1) return;
  out += '/';
  out.append(buffer, RangeSet::write_digits(buffer, slice.step, 0));
}

// RangeSet._slices_padding(autostep) of a set whose own autostep is
// `own_steps`: Python reads the parameter inside the loop and the set's
// own value for the last slice, which `contiguous()` shows. A slice started
// by a zero-padded index stays padded across the restarts of a broken step,
// as in Python. Runs are walked, not elements: within a run of one width
// and padding, the third element on joins the slice with step 1. Calls
// emit(const Slice&) for each slice in order.
template <typename Emit>
void slices_padding(const RunList& runs, long double param_steps, long double own_steps,
                    Emit&& emit) {
  bool started = false;
  std::int64_t start = 0, last = 0;
  std::int64_t step = 0;  // 0: no step yet (Python's cur_step None)
  bool padded_start = false;
  std::int32_t pad = 0;
  auto pad_of = [&]() { return padded_start ? pad : 0; };
  auto long_enough = [](std::int64_t from, std::int64_t to, std::int64_t by, long double steps) {
    return static_cast<long double>(to - from) >= steps * static_cast<long double>(by);
  };
  auto restart = [&](std::int64_t value, std::int32_t length, bool padded) {
    start = value;
    padded_start = padded;
    pad = length;
  };
  // One element of `length` characters, zero-padded or not.
  auto element = [&](std::int64_t value, std::int32_t length, bool padded) {
    if (!started) {
      started = true;
      restart(value, length, padded);
      last = value;
      step = 0;
      return;
    }
    const bool padding_mismatch = padded_start ? length != pad : padded;
    const bool step_mismatch = !padding_mismatch && step != 0 && step != value - last;
    if (padding_mismatch || step_mismatch) {
      const std::int64_t current_step = step == 0 ? 1 : step;
      const bool stepped = step == 0 || step == 1 || long_enough(start, last, step, param_steps);
      if (stepped) {
        emit(Slice{start, last + 1, current_step, pad_of()});
        restart(value, length, padded);
      } else {
        const std::int64_t stop = padding_mismatch ? last + 1 : last - current_step + 1;
        for (std::int64_t j = start; j < stop; j += current_step)
          emit(Slice{j, j + 1, 1, pad_of()});
        if (padding_mismatch) {
          restart(value, length, padded);
        } else {
          start = last;
        }
      }
      step = step_mismatch ? value - last : 0;
    } else {
      step = value - last;
    }
    last = value;
  };
  // Consecutive elements of one length and padding: the first two through
  // the general rule, after which the step is 1 and the rest join.
  auto segment = [&](std::int64_t first, std::int64_t end, std::int32_t length, bool padded) {
    element(first, length, padded);
    if (end > first) element(first + 1, length, padded);
    if (end > first + 1) last = end;
  };
  for (const auto& run : runs) {
    if (run.first < 0) {
      // Negative indexes: never padded, and sorted before every other, so
      // their lengths never meet a padded slice.
      segment(run.first, run.last, 0, false);
      continue;
    }
    std::int64_t padded_below = 1;  // values under this are written with leading zeros
    for (std::int32_t i = 1; i < run.width && padded_below <= run.last; ++i) padded_below *= 10;
    if (run.width <= 1) padded_below = 0;
    if (run.first < padded_below)
      segment(run.first, std::min(run.last, padded_below - 1), run.width, true);
    if (run.last >= padded_below)
      segment(std::max(run.first, padded_below), run.last, run.width, false);
  }
  if (started) {
    const std::int64_t final_step = step == 0 ? 1 : step;
    const bool stepped = step == 0 || long_enough(start, last, final_step, own_steps);
    if (stepped || final_step == 1) {
      emit(Slice{start, last + 1, final_step, pad_of()});
    } else {
      for (std::int64_t j = start; j <= last; j += final_step) emit(Slice{j, j + 1, 1, pad_of()});
    }
  }
}

// ClusterShell keeps autostep - 1: a number of steps, not of nodes; no
// autostep is 1e100 (AUTOSTEP_DISABLED).
long double steps_of(std::optional<std::int64_t> autostep) {
  return autostep ? static_cast<long double>(*autostep - 1) : 1e100L;
}

}  // namespace

void fold_runs(std::string& out, const RunList& runs, std::optional<std::int64_t> autostep) {
  bool first = true;
  slices_padding(runs, steps_of(autostep), steps_of(autostep), [&](const Slice& slice) {
    if (!first) out += ',';
    first = false;
    write(out, slice);
  });
}

std::vector<Slice> contiguous_slices(const RunList& runs, std::optional<std::int64_t> autostep) {
  std::vector<Slice> out;
  slices_padding(runs, steps_of(std::nullopt), steps_of(autostep),
                 [&](const Slice& slice) { out.push_back(slice); });
  return out;
}

}  // namespace greenlight::detail
