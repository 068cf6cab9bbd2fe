// libFuzzer target: the site configuration and its runbooks, read as an
// operator's file is read (`greenlight config check`): load_site() on the
// input written to site.yaml (YAML through core's reader), load_runbooks()
// on the site (inline runbooks included), then make_check() for every
// check. Properties: nothing throws (every problem is a diagnostic), and
// every diagnostic reads `FILE:LINE:COL: error: ...` with LINE and COL >= 1
// (or `FILE: error: ...` about a whole file).
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_support.h"
#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

using namespace greenlight;
using greenlight::fuzz::fail;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // An empty directory of its own: includes and runbook directories named
  // relative to site.yaml find nothing but what the input names.
  std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm/glfuzz.XXXXXX"
                                                         : "/tmp/glfuzz.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr || ::chdir(dir.c_str()) != 0) fail("mkdtemp", dir);
  ::setenv("GREENLIGHT_MAX_NODES", "100000", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::ofstream("site.yaml", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  config::Diagnostics diagnostics;
  const config::Site site = checks::load_site("site.yaml", diagnostics);
  (void)runbook::load_runbooks(site, diagnostics);
  const auto groups = site.group_resolver();
  for (const auto& spec : site.checks) (void)checks::make_check(spec, site, *groups, diagnostics);
  for (const auto& error : diagnostics.errors()) {
    if (error.message.empty()) fail("a diagnostic without a message", error.mark.str());
    // Line 0 and column 0: about the whole file ("site.yaml is empty").
    const auto& mark = error.mark;
    if (mark.line < 0 || mark.column < 0 || (mark.line == 0) != (mark.column == 0))
      fail("a diagnostic with half a place", mark.str() + ": " + error.message);
  }
  const std::string text = diagnostics.format();
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.find(": error: ") == std::string::npos) fail("a diagnostic line without error:", line);
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return 0;
}
