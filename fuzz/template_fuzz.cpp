// libFuzzer target: command templates and shell quoting, with a real POSIX
// shell as the oracle. The first byte picks the mode:
//   0: words separated by NUL bytes: shell_quote() each, join them with
//      spaces, and /bin/sh (`sh -c "printf '%s\0' WORDS"`) must give back
//      exactly the words.
//   1: SET \n EXCLUDE \n FORMAT \n FUNCTION: the template
//      `{{ nodes("SET", exclude="EXCLUDE", format="FORMAT") }}` (or fold) is
//      built, parsed and rendered; sh must split the rendered text into the
//      words the node set says (its names through FORMAT, or its fold).
//   other: the rest is a whole template, parsed and rendered (no shell:
//      its literal text is arbitrary), which must not crash.
// sh runs once per input (posix_spawn): a few hundred inputs a second.
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "greenlight/core/nodeset.h"
#include "greenlight/core/node_name.h"
#include "greenlight/core/shell.h"
#include "greenlight/runbook/command_template.h"

using greenlight::NodeSet;
using greenlight::fuzz::fail;
using greenlight::runbook::CommandTemplate;
using greenlight::runbook::TemplateError;

namespace {

constexpr std::size_t kMaxWords = 512;


std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " | ") + w;
  return out;
}

void check_quoting(std::string_view text) {
  std::vector<std::string> words;
  std::string quoted;
  for (const auto& word : greenlight::fuzz::split(text, '\0', kMaxWords)) {
    if (word.find('\0') != std::string::npos) break;  // the last piece keeps the rest
    quoted += (quoted.empty() ? "" : " ") + greenlight::shell_quote(word);
    words.push_back(word);
  }
  if (words.empty()) return;
  const auto got = greenlight::fuzz::shell_words(quoted);
  if (got != words) fail("sh does not give back the quoted words", quoted + "\n-> " + joined(got));
}

// A string literal of the template syntax: a backslash keeps the next byte.
std::string literal(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void check_rendering(greenlight::fuzz::Input& input) {
  const std::string set(input.field('\n'));
  const std::string exclude(input.field('\n'));
  const std::string format(input.field('\n'));
  const bool fold = input.byte() % 2 == 1;
  std::string text = "{{ " + std::string(fold ? "fold(" : "nodes(") + literal(set);
  if (!exclude.empty()) text += ", exclude=" + literal(exclude);
  if (!fold && !format.empty()) text += ", format=" + literal(format);
  text += ") }}";
  greenlight::runbook::RenderedCommand rendered;
  try {
    rendered = CommandTemplate::parse(text).render(greenlight::fuzz::groups());
  } catch (const TemplateError&) {
    return;  // refused: a malformed set or format, an unknown group, a name that is not plain
  }
  const auto& groups = greenlight::fuzz::groups();
  NodeSet nodes = NodeSet::parse(set, &groups);
  if (!exclude.empty()) nodes.difference_update(NodeSet::parse(exclude, &groups));
  if (nodes.empty() != rendered.has_empty_expansion) fail("empty expansion not flagged", text);
  if (nodes.empty() || nodes.size() > kMaxWords) return;
  if (rendered.text.find('\0') != std::string::npos) fail("a NUL byte reached the command", text);
  std::vector<std::string> want;
  if (fold) {
    want.push_back(nodes.fold());
  } else {
    for (const auto& name : nodes.expand()) {
      if (!greenlight::is_plain_name(name)) fail("a name that is not plain was rendered", name);
      std::string word;  // FORMAT: "%s" is the name, "%%" a '%'
      const std::string f = format.empty() ? "%s" : format;
      for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == '%' && i + 1 < f.size()) {
          word += f[i + 1] == 's' ? name : std::string(1, f[i + 1]);
          ++i;
        } else {
          word += f[i];
        }
      }
      want.push_back(word);
    }
  }
  const auto got = greenlight::fuzz::shell_words(rendered.text);
  if (got != want) fail("sh splits the rendered command otherwise", text + "\n-> " + rendered.text);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("GREENLIGHT_MAX_NODES", "100000", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  greenlight::fuzz::Input input(data, size);
  const std::uint8_t mode = input.byte() % 3;
  if (mode == 0) {
    check_quoting(input.rest());
  } else if (mode == 1) {
    check_rendering(input);
  } else {
    try {
      const auto parsed = CommandTemplate::parse(input.rest());
      (void)parsed.node_expressions();
      (void)parsed.render(greenlight::fuzz::groups());
    } catch (const TemplateError&) {
    }
  }
  return 0;
}
