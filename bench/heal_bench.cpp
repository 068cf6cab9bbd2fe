// Heal info parsing at scale: generates a `gluster volume heal VOL info
// --xml` output with N entries (and a summary with large counts), and parses
// it with greenlight's streaming parser or, for comparison, a pugixml DOM.
//
//   heal_bench generate N FILE        full listing, N entries over 3 bricks
//                                     (brick 3 unreadable, as with a brick down)
//   heal_bench generate-summary N FILE
//   heal_bench stream FILE [entries|summary]   greenlight::checks::HealInfoParser
//   heal_bench dom FILE                         pugixml DOM load + count
//
// `stream` and `dom` print one line: bricks, entries counted, seconds.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "greenlight/checks/gluster_heal.h"

namespace {

using greenlight::checks::HealInfoParser;
using greenlight::checks::HealListing;

int generate(long n, const char* path, bool summary) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::perror(path);
    return 1;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cliOutput>\n"
         "  <healInfo>\n    <bricks>\n";
  const long per_brick[2] = {n / 2 + n % 2, n / 2};
  char line[256];
  for (int b = 0; b < 2; ++b) {
    out << "      <brick hostUuid=\"a9cde00e-59b5-48d9-8467-a05321c630bc\">\n"
        << "        <name>top" << b + 1 << ":/bricks/volspoms1</name>\n";
    if (summary) {
      out << "        <status>Connected</status>\n"
          << "        <totalNumberOfEntries>" << per_brick[b] << "</totalNumberOfEntries>\n"
          << "        <numberOfEntriesInHealPending>" << per_brick[b]
          << "</numberOfEntriesInHealPending>\n"
          << "        <numberOfEntriesInSplitBrain>0</numberOfEntriesInSplitBrain>\n"
          << "        <numberOfEntriesPossiblyHealing>0</numberOfEntriesPossiblyHealing>\n";
    } else {
      for (long i = 0; i < per_brick[b]; ++i) {
        const int len = std::snprintf(
            line, sizeof line,
            "        <file gfid=\"%08lx-%04x-4%03x-8%03x-%012lx\">/dir%ld/file%ld.dat</file>\n",
            static_cast<unsigned long>(i), b, static_cast<unsigned>(i % 4096),
            static_cast<unsigned>(i % 4093), static_cast<unsigned long>(i * 2654435761UL), i / 1000,
            i);
        out.write(line, len);
      }
      out << "        <status>Connected</status>\n"
          << "        <numberOfEntries>" << per_brick[b] << "</numberOfEntries>\n";
    }
    out << "      </brick>\n";
  }
  out << "      <brick hostUuid=\"-\">\n        <name>top3:/bricks/volspoms1</name>\n";
  if (summary) {
    out << "        <status>Failed to process entries completely. (Transport endpoint is not "
           "connected)totalNumberOfEntries0</status>\n";
  } else {
    out << "        <status>Transport endpoint is not connected</status>\n"
        << "        <numberOfEntries>-</numberOfEntries>\n";
  }
  out << "      </brick>\n    </bricks>\n  </healInfo>\n  <opRet>0</opRet>\n"
         "  <opErrno>0</opErrno>\n  <opErrstr/>\n</cliOutput>\n";
  return out ? 0 : 1;
}

int stream(const char* path, HealListing listing) {
  const auto start = std::chrono::steady_clock::now();
  std::FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::perror(path);
    return 1;
  }
  HealInfoParser parser(listing);
  std::vector<char> chunk(64 * 1024);
  std::size_t got = 0;
  while ((got = std::fread(chunk.data(), 1, chunk.size(), f)) > 0) {
    parser.feed(std::string_view(chunk.data(), got));
  }
  std::fclose(f);
  const auto heal = parser.finish(0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!heal.ok()) {
    std::cerr << heal.error().reason << "\n";
    return 1;
  }
  unsigned long long pending = 0;
  unsigned long long listed = 0;
  int unreadable = 0;
  for (const auto& b : heal->bricks) {
    if (b.pending) pending += *b.pending;
    listed += b.listed_entries;
    if (!b.readable) ++unreadable;
  }
  std::printf("bricks=%zu unreadable=%d pending=%llu files=%llu seconds=%.3f\n",
              heal->bricks.size(), unreadable, pending, listed, seconds);
  return 0;
}

int dom(const char* path) {
  const auto start = std::chrono::steady_clock::now();
  pugi::xml_document doc;
  const auto parsed = doc.load_file(path);
  if (!parsed) {
    std::cerr << parsed.description() << "\n";
    return 1;
  }
  unsigned long long files = 0;
  std::size_t bricks = 0;
  for (const auto brick :
       doc.child("cliOutput").child("healInfo").child("bricks").children("brick")) {
    ++bricks;
    for (const auto file : brick.children("file")) {
      (void)file;
      ++files;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("bricks=%zu files=%llu seconds=%.3f\n", bricks, files, seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if ((mode == "generate" || mode == "generate-summary") && argc == 4) {
    return generate(std::atol(argv[2]), argv[3], mode == "generate-summary");
  }
  if (mode == "stream" && (argc == 3 || argc == 4)) {
    const bool summary = argc == 4 && std::strcmp(argv[3], "summary") == 0;
    return stream(argv[2], summary ? HealListing::summary : HealListing::entries);
  }
  if (mode == "dom" && argc == 3) return dom(argv[2]);
  std::cerr << "usage: heal_bench generate|generate-summary N FILE | stream FILE [entries|summary]"
               " | dom FILE\n";
  return 2;
}
