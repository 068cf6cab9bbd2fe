// docs/config.md and docs/runbooks.md against the loaders: every key a
// loader reads (recorded by config::KeyRecording while the example sites,
// their checks and their runbooks load) has a row in the table under the
// heading named after its section, and every key documented there is one
// a loader reads.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/core/config.h"
#include "greenlight/runbook/runbook.h"

using namespace greenlight;

namespace {

using Keys = std::map<std::string, std::set<std::string>>;

const std::filesystem::path kSource = GREENLIGHT_SOURCE_DIR;

// What the loaders read of every example site: the site, each check's
// parameters, each runbook. The readers ask for their keys whether a value
// is valid or not: the lab's and islet's sites, templates the lab fills
// in, are read as they stand; ocean's must be valid.
Keys recorded_keys() {
  config::KeyRecording recording;
  for (const char* example : {"ocean", "lab", "loopback", "islet"}) {
    config::Diagnostics diagnostics;
    const auto site = checks::load_site(kSource / "examples" / example / "site.yaml", diagnostics);
    const auto groups = site.group_resolver();
    for (const auto& spec : site.checks) {
      try {
        checks::make_check(spec, site, *groups, diagnostics);
      } catch (const std::exception&) {
        // a template's placeholder that is no node set: its keys were asked
      }
    }
    runbook::load_runbooks(site, diagnostics);
    if (std::string(example) == "ocean") {
      INFO(diagnostics.format());
      REQUIRE(diagnostics.ok());
    }
  }
  return recording.keys();
}

// The keys in the first column (`key`, or `a`, `b`) of each table, under
// the last heading that names a section of `known` (other headings end it).
Keys documented_keys(const std::filesystem::path& file, const Keys& known,
                     std::vector<std::string>& unknown_sections) {
  std::ifstream in(file);
  REQUIRE(in);
  Keys documented;
  std::string section;
  static const std::regex kHeading(R"(^#+ +(.*?) *$)");
  static const std::regex kCode("`([^`]+)`");
  for (std::string line; std::getline(in, line);) {
    std::smatch heading;
    if (std::regex_match(line, heading, kHeading)) {
      section = std::regex_replace(heading[1].str(), std::regex("`"), "");
      if (known.count(section) == 0) {
        if (section.rfind("checks: ", 0) == 0 || section.rfind("runbook: ", 0) == 0)
          unknown_sections.push_back(section);
        section.clear();
      } else {
        documented[section];  // there, maybe with no key
      }
      continue;
    }
    if (section.empty() || line.rfind("| ", 0) != 0) continue;
    const std::string first = line.substr(2, line.find('|', 2) - 2);
    for (auto it = std::sregex_iterator(first.begin(), first.end(), kCode);
         it != std::sregex_iterator(); ++it) {
      documented[section].insert((*it)[1].str());
    }
  }
  return documented;
}

// Keys read but not documented, and documented but never read, as lines.
std::string differences(const Keys& recorded, const Keys& documented, bool runbooks) {
  std::string out;
  for (const auto& [section, keys] : recorded) {
    const bool of_runbook = section == "runbook" || section.rfind("runbook: ", 0) == 0;
    if (of_runbook != runbooks) continue;
    const auto doc = documented.find(section);
    if (doc == documented.end()) {
      out += fmt::format("no heading '{}'\n", section);
      continue;
    }
    for (const auto& key : keys) {
      if (doc->second.count(key) == 0) out += fmt::format("{}: '{}' is not documented\n", section, key);
    }
  }
  for (const auto& [section, keys] : documented) {
    for (const auto& key : keys) {
      if (recorded.at(section).count(key) == 0)
        out += fmt::format("{}: '{}' is documented, no loader reads it\n", section, key);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the examples exercise every check kind, step kind and runbook section") {
  const Keys recorded = recorded_keys();
  for (const auto& kind : checks::check_kinds()) {
    INFO(kind.name);
    CHECK(recorded.count("checks: " + std::string(kind.name)) == 1);
  }
  for (const char* section :
       {"top level", "hosts", "ssh", "exporter", "checks", "runbooks", "power", "log", "runbook",
        "runbook: phase", "runbook: gate", "runbook: gate: check", "runbook: gate: remedy",
        "runbook: step: run", "runbook: step: power", "runbook: step: save_group",
        "runbook: step: self_poweroff"}) {
    INFO(section);
    CHECK(recorded.count(section) == 1);
  }
}

TEST_CASE("docs/config.md documents every key of the site configuration, and no other") {
  const Keys recorded = recorded_keys();
  std::vector<std::string> unknown;
  const Keys documented = documented_keys(kSource / "docs/config.md", recorded, unknown);
  CHECK(differences(recorded, documented, false) == "");
  CHECK(unknown == std::vector<std::string>{});
}

TEST_CASE("docs/runbooks.md documents every key of a runbook, and no other") {
  const Keys recorded = recorded_keys();
  std::vector<std::string> unknown;
  const Keys documented = documented_keys(kSource / "docs/runbooks.md", recorded, unknown);
  CHECK(differences(recorded, documented, true) == "");
  CHECK(unknown == std::vector<std::string>{});
}
