#include "fuzz_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>

#include "greenlight/core/clustershell_groups.h"
#include "greenlight/core/group_source.h"

extern char** environ;

namespace greenlight::fuzz {

const GroupResolver& groups() {
  static const auto* resolver = [] {
    using Groups = std::map<std::string, std::string, std::less<>>;
    auto* r = new GroupResolver();
    r->add_source("site", std::make_shared<StaticGroupSource>(
                              Groups{{"top", "top[1-3]"}, {"worker", "worker[01-04]"},
                                     {"hv", "@top,@worker"}},
                              "top[1-3],worker[01-04]"));
    r->add_source("vm", std::make_shared<StaticGroupSource>(
                            Groups{{"running", "admin[1-2],batch[1-3],ns[1-3]"},
                                   {"dead", ""},
                                   {"evil", "a1,x;reboot"}}));
    return r;
  }();
  return *resolver;
}

std::uint8_t Input::byte() {
  if (pos_ >= text_.size()) return 0;
  return static_cast<std::uint8_t>(text_[pos_++]);
}

std::string_view Input::field(char separator) {
  if (pos_ >= text_.size()) return {};
  const std::size_t end = text_.find(separator, pos_);
  const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
  const std::string_view out = text_.substr(pos_, stop - pos_);
  pos_ = end == std::string_view::npos ? text_.size() : end + 1;
  return out;
}

std::string_view Input::rest() {
  const std::string_view out = pos_ < text_.size() ? text_.substr(pos_) : std::string_view();
  pos_ = text_.size();
  return out;
}

void fail(std::string_view what, std::string_view details) {
  std::fprintf(stderr, "fuzz: property failed: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(details.size()), details.data());
  std::abort();
}

std::vector<std::string> shell_words(const std::string& words) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) fail("pipe", "");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  const std::string script = "printf '%s\\0' " + words;
  char sh[] = "/bin/sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, const_cast<char*>(script.c_str()), nullptr};
  pid_t pid = 0;
  // A spawn refused for want of resources (EAGAIN, ENOMEM) is tried again:
  // the property is about the words, not about the machine's load.
  int spawned = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    spawned = posix_spawn(&pid, sh, &actions, nullptr, argv, environ);
    if (spawned != EAGAIN && spawned != ENOMEM && spawned != EINTR) break;
    ::usleep(50'000);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) fail("cannot start /bin/sh", std::strerror(spawned));
  std::string output;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("sh refused the quoted words", script);
  std::vector<std::string> split_words;
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t nul = output.find('\0', start);
    if (nul == std::string::npos) fail("printf output without its NUL", output);
    split_words.emplace_back(output.substr(start, nul - start));
    start = nul + 1;
  }
  return split_words;
}

std::vector<std::string> split(std::string_view text, char separator, std::size_t limit) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (pieces.size() + 1 < limit) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) break;
    pieces.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  pieces.emplace_back(text.substr(start));
  return pieces;
}

}  // namespace greenlight::fuzz
