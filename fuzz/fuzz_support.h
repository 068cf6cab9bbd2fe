// Helpers shared by the libFuzzer targets of fuzz/: cutting one input into
// fields, failing with a message (libFuzzer keeps the input that did it),
// and a real POSIX shell as an oracle for quoted words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight {
class GroupResolver;
}

namespace greenlight::fuzz {

/// The group sources of the targets that read node sets (built once, never
/// freed; fuzz/nodeset_clustershell.py gives ClusterShell the same): "site"
/// (default: top, worker, hv = @top,@worker; all nodes for '@*') and "vm"
/// (running, dead = empty, evil = "a1,x;reboot", a name no command may hold).
const GroupResolver& groups();

/// Reads one fuzz input front to back. Never fails: past the end, fields are
/// empty and bytes are 0.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : text_(reinterpret_cast<const char*>(data), size) {}
  /// The next byte, or 0 at the end.
  std::uint8_t byte();
  /// Text up to the next `separator` (not included) or the end.
  std::string_view field(char separator);
  /// What is left.
  std::string_view rest();
  bool empty() const { return pos_ >= text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Prints "fuzz: property failed: WHAT" and the details to stderr, then
/// aborts (libFuzzer saves the input as a crash).
[[noreturn]] void fail(std::string_view what, std::string_view details = {});

/// The words /bin/sh sees in `words` (shell text): runs
/// `sh -c "printf '%s\0' WORDS"` and splits its output at NUL bytes.
/// `words` must hold no NUL byte. Calls fail() when sh exits non-zero.
std::vector<std::string> shell_words(const std::string& words);

/// Splits `text` at `separator` into at most `limit` pieces (the last one
/// keeps the rest).
std::vector<std::string> split(std::string_view text, char separator, std::size_t limit);

}  // namespace greenlight::fuzz
