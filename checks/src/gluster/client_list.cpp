// `gluster volume status all client-list`: glusterd's count of the clients
// of each started volume by type. Text only: GlusterFS 10.3 prints no
// counts with --xml. Format (cli/src/cli-rpc-ops.c, GlusterFS 10):
//
//   Client connections for volume volspoms1
//   Name                                                       count
//   -----                                                     ------
//   glustershd                                                     3
//   fuse                                                           1
//
//   total clients for volume volspoms1 : 4
//   -----------------------------------------------------------------
//
// and "Volume volspoms2 is not started" for a stopped volume.
#include <fmt/format.h>

#include "greenlight/checks/gluster.h"
#include "text.h"

namespace greenlight::checks {
namespace {

constexpr std::string_view kSection = "Client connections for volume ";
constexpr std::string_view kTotal = "total clients for volume ";
constexpr std::string_view kNotStartedPrefix = "Volume ";
constexpr std::string_view kNotStartedSuffix = " is not started";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "-----    ------" under the legend, and the section's closing rule.
bool dashes(std::string_view text) {
  return text.find_first_not_of("- \t") == std::string_view::npos;
}

// "fuse      1" -> {"fuse", 1}.
std::optional<std::pair<std::string, std::uint64_t>> count_row(std::string_view line) {
  const auto gap = line.find_first_of(" \t");
  if (gap == std::string_view::npos) return std::nullopt;
  const auto count = detail::to_uint(line.substr(gap));
  if (!count) return std::nullopt;
  return std::make_pair(std::string(line.substr(0, gap)), *count);
}

}  // namespace

std::uint64_t VolumeClientList::count(std::string_view type) const {
  for (const auto& [name, n] : counts)
    if (name == type) return n;
  return 0;
}

Parsed<std::vector<VolumeClientList>> parse_gluster_client_list(std::string_view text) {
  std::vector<VolumeClientList> volumes;
  VolumeClientList* open = nullptr;  // the section whose total is still due
  std::size_t line_no = 0;
  auto close = [&]() -> std::optional<ParseError> {
    if (open == nullptr) return std::nullopt;
    return ParseError{
        fmt::format("client-list: volume {}: no \"total clients\" line", open->volume)};
  };
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = detail::trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    const std::string where = fmt::format("client-list: line {}", line_no);
    if (line.empty() || dashes(line)) continue;
    if (starts_with(line, kSection)) {
      if (auto error = close()) return *error;
      volumes.push_back({std::string(detail::trim(line.substr(kSection.size()))), true, {}, {}});
      open = &volumes.back();
      continue;
    }
    if (starts_with(line, kNotStartedPrefix) && line.size() > kNotStartedSuffix.size() &&
        line.substr(line.size() - kNotStartedSuffix.size()) == kNotStartedSuffix) {
      if (auto error = close()) return *error;
      volumes.push_back({std::string(line.substr(
                             kNotStartedPrefix.size(),
                             line.size() - kNotStartedPrefix.size() - kNotStartedSuffix.size())),
                         false,
                         {},
                         {}});
      continue;
    }
    if (open == nullptr) return ParseError{fmt::format("{}: unexpected \"{}\"", where, line)};
    if (starts_with(line, kTotal)) {
      const auto colon = line.rfind(':');
      const auto total =
          colon == std::string_view::npos ? std::nullopt : detail::to_uint(line.substr(colon + 1));
      if (!total || detail::trim(line.substr(kTotal.size(), colon - kTotal.size())) != open->volume)
        return ParseError{fmt::format("{}: bad total line \"{}\"", where, line)};
      std::uint64_t sum = 0;
      for (const auto& [name, n] : open->counts) sum += n;
      // The total is the sum of the rows: anything else is a cut or changed format.
      if (sum != *total) {
        return ParseError{fmt::format("{}: volume {}: the rows count {} clients, the total says {}",
                                      where, open->volume, sum, *total)};
      }
      open->total = *total;
      open = nullptr;
      continue;
    }
    const auto row = count_row(line);
    if (!row) {
      // The legend ("Name   count") and nothing else.
      const auto first = line.substr(0, line.find_first_of(" \t"));
      if (first == "Name" && detail::trim(line.substr(first.size())) == "count") continue;
      return ParseError{fmt::format("{}: unexpected \"{}\"", where, line.substr(0, 80))};
    }
    open->counts.push_back(*row);
  }
  if (auto error = close()) return *error;
  return volumes;
}

}  // namespace greenlight::checks
