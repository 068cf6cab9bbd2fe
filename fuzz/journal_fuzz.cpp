// libFuzzer target: the run journal's reader (runbook/journal.h) and the
// replay of what it read. The first byte picks the mode:
//   even: the rest is a journal file as it stands on disk: read_journal()
//         reads it or throws JournalError, and replay() takes what it read.
//   odd:  the rest describes records (EVENT-BYTE PHASE \x1f STEP \x1f DETAIL,
//         records separated by \x1e) and two damages: the real Journal
//         writes them, then the file is cut at a fuzzed length (a torn
//         tail: the reader must give back exactly the complete records),
//         Journal::open() repairs it and appends one record that must read
//         back after them, and one fuzzed byte is changed (the reader must
//         throw or give back a prefix of the records, never another record).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "greenlight/runbook/journal.h"

using namespace greenlight::runbook;
using greenlight::fuzz::fail;

namespace {

constexpr int kEvents = static_cast<int>(JournalEvent::kChangeApproved) + 1;

const std::filesystem::path& journal_path() {
  static const std::filesystem::path path = [] {
    std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm/glfuzz.XXXXXX"
                                                           : "/tmp/glfuzz.XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) fail("mkdtemp", dir);
    return std::filesystem::path(dir) / "journal";
  }();
  return path;
}

void write_file(const std::string& text) {
  std::ofstream(journal_path(), std::ios::binary | std::ios::trunc) << text;
}

std::string read_file() {
  std::ifstream in(journal_path(), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool same(const JournalRecord& a, const JournalRecord& b) {
  return a.sequence == b.sequence && a.unix_ms == b.unix_ms && a.event == b.event &&
         a.phase == b.phase && a.step == b.step && a.detail == b.detail;
}

void check_prefix(const std::vector<JournalRecord>& got, const std::vector<JournalRecord>& all,
                  std::size_t want, const char* what) {
  if (got.size() > all.size() || (want != SIZE_MAX && got.size() != want)) fail(what);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!same(got[i], all[i])) fail(what, got[i].phase + "|" + got[i].step + "|" + got[i].detail);
  }
}

void structured(greenlight::fuzz::Input& input) {
  const std::uint16_t cut = static_cast<std::uint16_t>(input.byte() << 8 | input.byte());
  const std::uint16_t flip_at = static_cast<std::uint16_t>(input.byte() << 8 | input.byte());
  const std::uint8_t flip = input.byte();
  std::filesystem::remove(journal_path());
  std::vector<JournalRecord> written;
  {
    Journal journal = Journal::create(journal_path());
    for (const auto& text : greenlight::fuzz::split(input.rest(), '\x1e', 64)) {
      const auto fields = greenlight::fuzz::split(text, '\x1f', 3);
      const auto event = static_cast<JournalEvent>(
          fields[0].empty() ? 0 : static_cast<unsigned char>(fields[0][0]) % kEvents);
      const std::string phase = fields[0].empty() ? "" : fields[0].substr(1);
      written.push_back(journal.append(event, phase, fields.size() > 1 ? fields[1] : "",
                                       fields.size() > 2 ? fields[2] : ""));
    }
  }
  const std::string text = read_file();
  check_prefix(read_journal(journal_path()), written, written.size(), "a whole journal");
  (void)replay(written);
  // A torn tail: every complete line, and only those, comes back.
  const std::string torn = text.substr(0, text.empty() ? 0 : cut % (text.size() + 1));
  write_file(torn);
  std::size_t complete = 0;
  for (char c : torn) complete += c == '\n' ? 1 : 0;
  check_prefix(read_journal(journal_path()), written, complete, "a torn journal");
  {
    Journal journal = Journal::open(journal_path());
    written.resize(complete);
    written.push_back(journal.append(JournalEvent::kRunResumed, "p", "s", "after repair"));
  }
  const auto repaired = read_journal(journal_path());
  check_prefix(repaired, written, written.size(), "a repaired journal");
  if (repaired.back().sequence != complete + 1) fail("sequence after repair");
  // A damaged byte: an error, or a prefix of what was written.
  std::string damaged = read_file();
  damaged[flip_at % damaged.size()] = static_cast<char>(flip);
  write_file(damaged);
  try {
    check_prefix(read_journal(journal_path()), written, SIZE_MAX, "a damaged journal");
  } catch (const JournalError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  greenlight::fuzz::Input input(data, size);
  if (input.byte() % 2 == 1) {
    structured(input);
    return 0;
  }
  write_file(std::string(input.rest()));
  try {
    (void)replay(read_journal(journal_path()));
  } catch (const JournalError&) {
  }
  return 0;
}
