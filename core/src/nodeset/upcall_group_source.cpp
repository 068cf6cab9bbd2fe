// Upcalls run through /bin/sh like ClusterShell's (shell=True, cwd=CFGDIR),
// with a deadline: a hung upcall kills its process group and fails the
// lookup instead of hanging the caller.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/process.h"

namespace greenlight {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024 * 1024;

// string.Template.safe_substitute for $NAME and ${NAME}.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    const bool braced = text[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1);
    std::size_t end = start;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      ++end;
    const std::string name = text.substr(start, end - start);
    auto it = values.find(name);
    if (name.empty() || it == values.end() ||
        (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];
      continue;
    }
    out += it->second;
    i = braced ? end : end - 1;
  }
  return out;
}

// ClusterShell reads upcall answers as whitespace-separated words.
std::string words_joined(const std::string& output) {
  std::string joined;
  std::size_t pos = 0;
  while (pos < output.size()) {
    const auto start = output.find_first_not_of(" \t\n\r\v\f", pos);
    if (start == std::string::npos) break;
    const auto end = output.find_first_of(" \t\n\r\v\f", start);
    if (!joined.empty()) joined += ',';
    joined += output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    pos = end == std::string::npos ? output.size() : end;
  }
  return joined;
}

}  // namespace

struct UpcallGroupSource::Cache {
  std::mutex mutex;
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> answers;
};

UpcallGroupSource::UpcallGroupSource(Upcalls upcalls)
    : upcalls_(std::move(upcalls)), cache_(std::make_unique<Cache>()) {}
UpcallGroupSource::~UpcallGroupSource() = default;

std::string UpcallGroupSource::call(const std::string& which, const std::string& command,
                                    const std::string& group) const {
  if (command.empty()) {
    throw GroupResolutionError(
        fmt::format("No {} upcall defined for group source \"{}\"", which, upcalls_.name));
  }
  const std::string key = which + '\n' + group;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_->mutex);
    auto it = cache_->answers.find(key);
    if (it != cache_->answers.end() && it->second.second > now) return it->second.first;
  }
  const std::string line = substitute(
      command, {{"CFGDIR", upcalls_.cfgdir.string()}, {"SOURCE", upcalls_.name}, {"GROUP", group}});
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", line};
  spec.cwd = upcalls_.cfgdir.string();
  spec.timeout = upcalls_.timeout;
  spec.kill_grace = std::chrono::milliseconds(500);
  spec.output_cap = kMaxOutput;
  const ProcessResult outcome = run_process(std::move(spec));
  std::string reason;
  if (!outcome.ok()) reason = outcome.describe();
  if (outcome.out_truncated) reason = "answer larger than 64 MiB";
  if (!reason.empty()) {
    throw GroupResolutionError(fmt::format("group source \"{}\": {} upcall `{}` failed: {}",
                                           upcalls_.name, which, line, reason));
  }
  std::string answer = words_joined(outcome.out);
  std::lock_guard lock(cache_->mutex);
  cache_->answers[key] = {answer, now + upcalls_.cache_time};
  return answer;
}

std::optional<std::string> UpcallGroupSource::map(std::string_view group) const {
  return call("map", upcalls_.map, std::string(group));
}

std::vector<std::string> UpcallGroupSource::list() const {
  const std::string joined = call("list", upcalls_.list, "");
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < joined.size()) {
    const auto comma = joined.find(',', pos);
    names.push_back(
        joined.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return names;
}

std::optional<std::string> UpcallGroupSource::all() const {
  if (upcalls_.all.empty()) return std::nullopt;
  return call("all", upcalls_.all, "");
}

}  // namespace greenlight
