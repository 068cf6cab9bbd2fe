// A command's output read as it arrives (OutputSink): a local process gives
// every byte to its sink whatever its cap, and the heal check reads a heal
// listing larger than any cap through the real LocalRunner, where a listing
// cut at a cap would have made the heal gate UNKNOWN.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "greenlight/checks/gluster_heal.h"
#include "greenlight/core/process.h"
#include "support/check_harness.h"

using namespace greenlight;

namespace {

const std::string kListingProgram =
    std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/heal-listing-gluster";

class CountingSink : public OutputSink {
 public:
  void write(std::string_view bytes) override {
    ++writes;
    total += bytes.size();
    if (head.size() < 16) head.append(bytes.substr(0, 16 - head.size()));
  }
  std::size_t writes = 0;
  std::size_t total = 0;
  std::string head;
};

// The heal check of volume v1 on this host, its gluster replaced by the
// listing program printing `entries` per brick (cut after `cut` bytes).
checks::CheckResult run_heal(std::size_t entries, std::size_t cut = 0) {
  config::Diagnostics diagnostics;
  const std::string text = fmt::format(
      "hosts:\n  vm: {{self: true}}\nchecks:\n"
      "  heal: {{kind: gluster_heal, volumes: [v1], command: ['{}', '{}'{}]}}\n",
      kListingProgram, entries, cut > 0 ? fmt::format(", '{}'", cut) : "");
  config::Site site = checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics),
                                        "site.yaml", diagnostics);
  INFO(diagnostics.format());
  REQUIRE(diagnostics.ok());
  asio::io_context io;
  LocalRunner runner(io);
  return testing::run_site_check(site, diagnostics, runner, io, "heal",
                                 Endpoint{"vm", "", 22, "", true}, std::chrono::seconds(60));
}

}  // namespace

TEST_CASE("a local command gives its sink every byte of its output, cap or no cap") {
  asio::io_context io;
  LocalRunner runner(io);
  auto sink = std::make_shared<CountingSink>();
  Command command = Command::program({"head", "-c", "10000000", "/dev/zero"});
  command.output_cap = 1000;
  command.output_sink = sink;
  RunResult result;
  runner.run(Endpoint{"vm", "", 22, "", true}, command, [&](RunResult r) { result = std::move(r); });
  io.run();
  CHECK(result.status == RunStatus::kOk);
  CHECK(sink->total == 10'000'000);
  CHECK(sink->writes > 1);  // as it arrived, not at the end
  CHECK(result.out.size() == 1000);
  CHECK(result.truncated);
}

TEST_CASE("a command without a sink keeps its output as before") {
  ProcessSpec spec;
  spec.argv = {"printf", "a\\nb\\n"};
  const ProcessResult result = run_process(spec);
  CHECK(result.out == "a\nb\n");
}

TEST_CASE("the heal check reads a listing of 120,000 entries (10 MB) as it arrives") {
  // Over the 4 MiB a command's output is capped at: read whole, it was cut
  // and the verdict UNKNOWN ("output truncated") at the scale the
  // incremental parser exists for.
  const checks::CheckResult result = run_heal(40'000);
  INFO(result.message);
  CHECK(result.status == checks::Status::warning);
  CHECK_THAT(result.message, Catch::Contains("40000 entries pending on vm:/data/brick1"));
  CHECK_THAT(result.message, Catch::Contains("40000 entries pending on vm:/data/brick3"));
}

TEST_CASE("a heal listing that stops mid-way is UNKNOWN, never read as what it held so far") {
  const checks::CheckResult result = run_heal(40'000, 5'000'000);
  INFO(result.message);
  CHECK(result.status == checks::Status::unknown);
  CHECK_THAT(result.message, Catch::Contains("truncated"));
}

TEST_CASE("a small listing is judged the same through the sink") {
  const checks::CheckResult result = run_heal(3);
  INFO(result.message);
  CHECK(result.status == checks::Status::warning);
  CHECK_THAT(result.message, Catch::Contains("3 entries pending on vm:/data/brick2"));
}

TEST_CASE("the heal reader gives the same listing as the whole-output parser") {
  ProcessSpec spec;
  spec.argv = {kListingProgram, "5", "--mode=script", "volume", "heal", "v1", "info", "--xml"};
  const std::string listing = run_process(spec).out;
  REQUIRE(!listing.empty());
  checks::HealListingReader reader(checks::HealListing::entries);
  for (std::size_t i = 0; i < listing.size(); i += 7) reader.write(std::string_view(listing).substr(i, 7));
  auto streamed = reader.finish(0);
  auto whole = checks::parse_gluster_heal_info(listing, 0, checks::HealListing::entries);
  REQUIRE(streamed.ok());
  REQUIRE(whole.ok());
  REQUIRE(streamed->bricks.size() == 3);
  CHECK(reader.bytes() == listing.size());
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(streamed->bricks[i].brick == whole->bricks[i].brick);
    CHECK(streamed->bricks[i].total == whole->bricks[i].total);
    CHECK(streamed->bricks[i].listed_entries == 5);
  }
}

TEST_CASE("a brick that gives its status or a count twice is unreadable, never the last word") {
  const auto listing = [](const std::string& fields) {
    return "<cliOutput><healInfo><bricks><brick hostUuid=\"a\"><name>vm:/data/brick1</name>" +
           fields +
           "</brick></bricks></healInfo><opRet>0</opRet><opErrno>0</opErrno><opErrstr/>"
           "</cliOutput>";
  };
  for (const std::string fields :
       {"<status>Transport endpoint is not connected</status><status>Connected</status>"
        "<numberOfEntries>0</numberOfEntries>",
        "<status>Connected</status><numberOfEntries>5</numberOfEntries>"
        "<numberOfEntries>0</numberOfEntries>"}) {
    const auto parsed =
        checks::parse_gluster_heal_info(listing(fields), 0, checks::HealListing::entries);
    INFO(fields);
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error().reason, Catch::Contains("given twice for one brick"));
  }
  const auto once = checks::parse_gluster_heal_info(
      listing("<status>Connected</status><numberOfEntries>0</numberOfEntries>"), 0,
      checks::HealListing::entries);
  CHECK(once.ok());
}
