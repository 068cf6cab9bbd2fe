#include "greenlight/checks/nagios.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <charconv>

#include "text.h"

namespace greenlight::checks {

using detail::trim;

namespace {

// The units the plugin guidelines allow; anything else makes a datum invalid.
constexpr std::string_view kUnits[] = {"", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"};

// The length of the decimal number that starts `text`: [+-]digits, one
// decimal separator ('.' or, as plugins print under locales such as hu_HU,
// ','), digits, an exponent. 0 when there is none.
std::size_t number_length(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&]() {
    const std::size_t from = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - from;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  std::size_t count = digits();
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    const std::size_t separator = i++;
    const std::size_t decimals = digits();
    if (decimals == 0 && count == 0) return 0;
    if (decimals == 0) i = separator + (text[separator] == '.' ? 1 : 0);  // "5." yes, "5," no
    count += decimals;
  }
  if (count == 0) return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
    const std::size_t exponent_start = j;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j > exponent_start) i = j;  // else the 'e' belongs to the unit
  }
  return i;
}

// The whole of `text` as a decimal number, a decimal comma read as a point.
std::optional<double> number(std::string_view text) {
  if (text.empty() || number_length(text) != text.size()) return std::nullopt;
  std::string copy(text);
  for (char& c : copy) {
    if (c == ',') c = '.';
  }
  if (copy.front() == '+') copy.erase(0, 1);
  double v = 0;
  const auto [end, ec] = std::from_chars(copy.data(), copy.data() + copy.size(), v);
  if (ec != std::errc{} || end != copy.data() + copy.size()) return std::nullopt;
  return v;
}

// A threshold range as written, decimal commas read as points ("0,5:1,0").
std::string range_text(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ',' && i > 0 && i + 1 < out.size() &&
        std::isdigit(static_cast<unsigned char>(out[i - 1])) &&
        std::isdigit(static_cast<unsigned char>(out[i + 1])))
      out[i] = '.';
  }
  return out;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<std::string_view> split_semicolons(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const auto semi = text.find(';');
    out.push_back(text.substr(0, semi));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

}  // namespace

std::vector<PerfDatum> parse_perfdata(std::string_view text, std::vector<std::string>* errors) {
  std::vector<PerfDatum> out;
  auto error = [&](std::string what) {
    if (errors && errors->size() < 20) errors->push_back(std::move(what));
  };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && blank(text[i])) ++i;
    if (i >= text.size()) break;
    PerfDatum d;
    if (text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            d.label += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        d.label += text[i++];
      }
      if (!closed) {
        error("unterminated quoted label '" + d.label.substr(0, 40) + "'");
        break;
      }
    } else {
      while (i < text.size() && text[i] != '=' && !blank(text[i])) d.label += text[i++];
    }
    const std::size_t token_start = i;
    while (i < text.size() && !blank(text[i])) ++i;
    std::string_view rest = text.substr(token_start, i - token_start);
    if (d.label.empty() || rest.empty() || rest.front() != '=') {
      error("datum without label=value near '" + std::string(text.substr(token_start, 40)) + "'");
      continue;
    }
    rest.remove_prefix(1);
    const auto parts = split_semicolons(rest);
    std::string_view value = parts[0];
    if (value == "U") {
      d.value = std::nullopt;
    } else {
      const std::size_t n = number_length(value);
      d.value = number(value.substr(0, n));
      d.uom = std::string(value.substr(n));
      if (!d.value) {
        error("label '" + d.label + "': value '" + std::string(value.substr(0, 40)) +
              "' is not a number");
        continue;
      }
      if (std::count(value.begin(), value.end(), ',') > 1) {
        error("label '" + d.label + "': value '" + std::string(value.substr(0, 40)) +
              "' has more than one comma (thousands separators?): not a number");
        continue;
      }
      // A unit outside the guidelines' list (",082044s" from a number
      // split at a separator, "GiB", "foo") would make a new series at
      // every reading: the datum is refused instead.
      if (std::find(std::begin(kUnits), std::end(kUnits), d.uom) == std::end(kUnits)) {
        error("label '" + d.label + "': unit '" + d.uom.substr(0, 40) +
              "' is not one of s, ms, us, %, B, KB, MB, TB, c or none");
        continue;
      }
    }
    if (parts.size() > 1) d.warn = range_text(parts[1]);
    if (parts.size() > 2) d.crit = range_text(parts[2]);
    if (parts.size() > 3) d.min = number(parts[3]);
    if (parts.size() > 4) d.max = number(parts[4]);
    // One series per label: a label said twice keeps its first value.
    if (std::any_of(out.begin(), out.end(), [&d](const PerfDatum& o) { return o.label == d.label; })) {
      error("label '" + d.label.substr(0, 40) + "' given twice: the second is dropped");
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

Parsed<PluginOutput> parse_nagios_output(std::string_view output) {
  if (trim(output).empty()) return ParseError{"plugin printed no output"};
  PluginOutput out;
  const auto nl = output.find('\n');
  std::string_view first = output.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view{} : output.substr(nl + 1);
  std::string perf;
  if (const auto bar = first.find('|'); bar != std::string_view::npos) {
    perf = std::string(first.substr(bar + 1));
    first = first.substr(0, bar);
  }
  out.status_text = std::string(trim(first));
  bool in_perf = false;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (in_perf) {
      perf += ' ';
      perf += line;
      continue;
    }
    if (const auto bar = line.find('|'); bar != std::string_view::npos) {
      in_perf = true;
      perf += ' ';
      perf += line.substr(bar + 1);
      line = line.substr(0, bar);
    }
    if (!trim(line).empty()) out.long_output.emplace_back(trim(line));
  }
  out.perfdata = parse_perfdata(perf, &out.perfdata_errors);
  return out;
}

double base_unit_value(const PerfDatum& d) {
  const double v = d.value.value_or(0);
  if (d.uom == "ms") return v / 1e3;
  if (d.uom == "us") return v / 1e6;
  if (d.uom == "%") return v / 100;
  if (d.uom == "KB") return v * 1024;
  if (d.uom == "MB") return v * 1024 * 1024;
  if (d.uom == "TB") return v * 1024.0 * 1024 * 1024 * 1024;
  return v;
}

std::string base_unit(const PerfDatum& d) {
  if (d.uom == "s" || d.uom == "ms" || d.uom == "us") return "s";
  if (d.uom == "B" || d.uom == "KB" || d.uom == "MB" || d.uom == "TB") return "B";
  if (d.uom == "%") return "ratio";
  return d.uom;
}

CheckResult nagios_verdict(const Parsed<PluginOutput>& output, int exit_status,
                           std::string_view check_name) {
  CheckResult r;
  r.status = status_from_exit_code(exit_status);
  if (!output.ok()) {
    // No status line to read: an exit status 0 alone is no evidence of OK.
    if (r.status == Status::ok) r.status = Status::unknown;
    r.message = fmt::format("{} (exit status {})", output.error().reason, exit_status);
    return r;
  }
  r.message =
      output->status_text.empty() ? "plugin printed an empty status line" : output->status_text;
  // OK needs the plugin to say it: an empty status line is no evidence.
  if (output->status_text.empty() && r.status == Status::ok) r.status = Status::unknown;
  if (exit_status < 0 || exit_status > 3) {
    r.message = fmt::format("exit status {} is not a plugin status: {}", exit_status, r.message);
  }
  for (const auto& d : output->perfdata) {
    if (!d.value) continue;
    r.add_sample("greenlight_nagios_perfdata",
                 {{"check", std::string(check_name)}, {"label", d.label}, {"uom", base_unit(d)}},
                 base_unit_value(d));
  }
  // Invalid data are dropped, each with its reason, never exported wrong.
  const auto& dropped = output->perfdata_errors;
  r.add_sample("greenlight_nagios_perfdata_invalid", {{"check", std::string(check_name)}},
               static_cast<double>(dropped.size()));
  for (std::size_t i = 0; i < dropped.size(); ++i)
    r.add_fact("perfdata_invalid", std::to_string(i + 1), dropped[i]);
  if (!dropped.empty()) {
    r.message += fmt::format(" ({} perfdata dropped: {})", dropped.size(), dropped.front());
  }
  return r;
}

CheckResult command_verdict(int exit_status, std::string_view output, std::string_view check_name) {
  CheckResult r;
  r.status = exit_status == 0 ? Status::ok : Status::critical;
  std::string_view last;
  while (!output.empty()) {
    const auto nl = output.find('\n');
    const auto line = trim(output.substr(0, nl));
    if (!line.empty()) last = line;
    output.remove_prefix(nl == std::string_view::npos ? output.size() : nl + 1);
  }
  r.message = fmt::format("exit status {}", exit_status);
  if (!last.empty()) r.message += ": " + std::string(last.substr(0, 300));
  r.add_sample("greenlight_command_exit_status", {{"check", std::string(check_name)}}, exit_status);
  return r;
}

}  // namespace greenlight::checks
