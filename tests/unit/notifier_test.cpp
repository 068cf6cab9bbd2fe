#include "greenlight/checks/check_kind.h"
#include "greenlight/runbook/notifier.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "greenlight/core/config.h"
#include "support/runbook_fakes.h"

using namespace greenlight;
using namespace greenlight::runbook;
using greenlight::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string errors_of(const std::string& text) {
  config::Diagnostics diagnostics;
  checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                    diagnostics);
  return diagnostics.format();
}

config::Site site_of(const std::string& text) {
  config::Diagnostics diagnostics;
  auto site = checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                                diagnostics);
  REQUIRE(diagnostics.format().empty());
  return site;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}
}  // namespace

TEST_CASE("notify: is read with its defaults, and its errors name file:line:col") {
  const auto site = site_of("notify: {command: 'mail -s \"$GREENLIGHT_EVENT\" ops'}\n");
  CHECK(site.notify.command == "mail -s \"$GREENLIGHT_EVENT\" ops");
  CHECK(site.notify.timeout == std::chrono::seconds(10));
  CHECK(site.notify.events ==
        std::vector<std::string>{"paused", "failed", "finished", "aborted", "asking"});
  const auto some = site_of("notify: {command: x, timeout: 3s, events: [finished, paused]}\n");
  CHECK(some.notify.timeout == std::chrono::seconds(3));
  CHECK(some.notify.events == std::vector<std::string>{"finished", "paused"});

  CHECK_THAT(errors_of("notify: {command: ''}\n"),
             Catch::Contains("site.yaml:1:19: error: notify: command: is empty"));
  CHECK_THAT(errors_of("notify: {command: '  '}\n"),
             Catch::Contains("site.yaml:1:19: error: notify: command: is empty"));
  CHECK_THAT(errors_of("notify: {command: x, timeout: 0s}\n"),
             Catch::Contains("site.yaml:1:31: error:") && Catch::Contains("timeout"));
  CHECK_THAT(errors_of("notify: {command: x, events: [paused, stalled]}\n"),
             Catch::Contains("site.yaml:1:39: error: notify: events: unknown event 'stalled'"));
  CHECK_THAT(errors_of("notify: {command: x, events: []}\n"),
             Catch::Contains("site.yaml:1:30: error: notify: events: must be a list"));
  CHECK_THAT(errors_of("notify: {timeout: 5s}\n"), Catch::Contains("command"));
  CHECK_THAT(errors_of("notify: {command: x, statusurl: y}\n"), Catch::Contains("statusurl"));
  CHECK_THAT(errors_of("notify: {command: x, status_url: 'ftp://a/'}\n"),
             Catch::Contains("site.yaml:1:34: error: notify: status_url: must start with http"));
}

TEST_CASE("a record is a notify event only for a pause, a failure, an end or an abort") {
  JournalRecord record;
  const std::vector<std::pair<JournalEvent, std::optional<std::string>>> cases = {
      {JournalEvent::kRunPaused, "paused"},    {JournalEvent::kStepFailed, "failed"},
      {JournalEvent::kGateTimedOut, "failed"}, {JournalEvent::kRunFinished, "finished"},
      {JournalEvent::kRunAborted, "aborted"},  {JournalEvent::kStepStarted, std::nullopt},
      {JournalEvent::kNotified, std::nullopt}, {JournalEvent::kRunResumed, std::nullopt},
  };
  for (const auto& [event, expected] : cases) {
    record.event = event;
    CHECK(notify_event_of(record) == expected);
  }
}

TEST_CASE("the notify environment holds the run's facts and none of greenlight's secrets") {
  ::setenv("IPMI_PASSWORD", "Gl-s3cr3t-unit", 1);
  ::setenv("GREENLIGHT_TOKEN", "Gl-s3cr3t-token", 1);
  JournalRecord record;
  record.event = JournalEvent::kRunPaused;
  record.phase = "stop-vms";
  record.step = "2";
  record.detail = "step 2 failed on top2 (exit 3); $(touch /tmp/x) `id`";
  record.unix_ms = 1'764'580'000'123;
  const NotifyRun run{"restart-20261201-091500", "restart", "http://10.0.0.1:9877/", "top1"};
  const auto env = notify_environment(run, "paused", record);
  CHECK(has(env, "GREENLIGHT_RUN=restart-20261201-091500"));
  CHECK(has(env, "GREENLIGHT_RUNBOOK=restart"));
  CHECK(has(env, "GREENLIGHT_EVENT=paused"));
  CHECK(has(env, "GREENLIGHT_PHASE=stop-vms"));
  CHECK(has(env, "GREENLIGHT_STEP=2"));
  CHECK(has(env, "GREENLIGHT_GATE="));
  CHECK(has(env, "GREENLIGHT_REASON=step 2 failed on top2 (exit 3); $(touch /tmp/x) `id`"));
  CHECK(has(env, "GREENLIGHT_STATUS_URL=http://10.0.0.1:9877/"));
  CHECK(has(env, "GREENLIGHT_HOST=top1"));
  CHECK(has(env, "GREENLIGHT_TIME=2025-12-01T09:06:40.123Z"));
  for (const auto& entry : env) {
    CHECK(entry.find("s3cr3t") == std::string::npos);
    CHECK(entry.rfind("IPMI_PASSWORD=", 0) != 0);
  }
  record.event = JournalEvent::kGateTimedOut;
  record.step = "vms-stopped";
  const auto gate = notify_environment(run, "failed", record);
  CHECK(has(gate, "GREENLIGHT_GATE=vms-stopped"));
  CHECK(has(gate, "GREENLIGHT_STEP="));
  record.detail = std::string(10'000, 'x');
  const auto longest = notify_environment(run, "failed", record);
  CHECK(has(longest, "GREENLIGHT_REASON=" + std::string(4096, 'x')));
  ::unsetenv("IPMI_PASSWORD");
  ::unsetenv("GREENLIGHT_TOKEN");
}

TEST_CASE("the status URL comes from status_url, else from the exporter's listen") {
  CHECK(notify_status_url(site_of("exporter: {listen: '127.0.0.1:9877'}\n"), "top1") ==
        "http://127.0.0.1:9877/");
  CHECK(notify_status_url(site_of("exporter: {listen: '0.0.0.0:9877'}\n"), "top1") ==
        "http://top1:9877/");
  CHECK(notify_status_url(site_of("notify: {command: x, status_url: 'https://gl.example.org/'}\n"),
                          "top1") == "https://gl.example.org/");
  CHECK(notify_host(site_of("hosts: {top1: {self: true}}\n")) == "top1");
}

TEST_CASE("a notification's outcome: the exit, and a cut of standard error on one line") {
  CHECK(notify_outcome({"exit 0", true, "noise"}) == "exit 0");
  CHECK(notify_outcome({"exit 22", false, "curl: (22) 500\nmore\n"}) ==
        "exit 22: curl: (22) 500\\nmore");
  CHECK(notify_outcome({"timed out after 1s", false, ""}) == "timed out after 1s");
  CHECK(notify_outcome({"exit 1", false, std::string(1000, 'e')}).size() ==
        std::string("exit 1: ").size() + 300);
}

TEST_CASE("the notifier runs the command for configured events and journals each outcome") {
  TempDir dir;
  const auto path = dir.path / "journal";
  asio::io_context io;
  config::NotifySettings settings;
  settings.command = "env > " + (dir.path / "env").string() +
                     ".$GREENLIGHT_EVENT; [ \"$GREENLIGHT_EVENT\" != failed ] || "
                     "{ echo 'receiver said no' >&2; exit 7; }";
  settings.events = {"paused", "failed", "finished"};
  settings.timeout = std::chrono::seconds(5);
  ::setenv("IPMI_PASSWORD", "Gl-s3cr3t-unit", 1);
  {
    Notifier notifier(io, settings, NotifyRun{"r-1", "mini", "http://127.0.0.1:1/", "here"});
    auto journal = Journal::create(path);
    int logged = 0;
    notifier.watch(journal, [&logged](const JournalRecord&) { ++logged; });
    journal.append(JournalEvent::kRunStarted, "", "", "mini");
    journal.append(JournalEvent::kStepFailed, "one", "1", "exit 3");
    journal.append(JournalEvent::kRunPaused, "one", "1", "step 1 failed");
    journal.append(JournalEvent::kRunAborted, "one", "", "not configured: no command");
    CHECK(notifier.running() == 2);
    bool idle = false;
    notifier.when_idle([&] { idle = true; });
    io.run();
    CHECK(idle);
    CHECK(notifier.running() == 0);
    CHECK(logged == 6);  // four records and two outcomes, all through the observer chain
  }
  ::unsetenv("IPMI_PASSWORD");
  const auto records = read_journal(path);
  REQUIRE(records.size() == 6);
  std::map<std::string, std::string> outcomes;
  for (const auto& r : records) {
    if (r.event == JournalEvent::kNotified) outcomes[r.step] = r.detail;
  }
  CHECK(outcomes["paused"] == "exit 0");
  CHECK(outcomes["failed"] == "exit 7: receiver said no");
  CHECK(outcomes.count("aborted") == 0);
  const std::string paused_env = read_text(dir.path / "env.paused");
  CHECK_THAT(paused_env, Catch::Contains("GREENLIGHT_RUN=r-1\n") &&
                             Catch::Contains("GREENLIGHT_PHASE=one\n") &&
                             Catch::Contains("GREENLIGHT_REASON=step 1 failed\n"));
  CHECK(paused_env.find("s3cr3t") == std::string::npos);
  // Replay passes over the outcomes: the run is as its own records say.
  const auto state = replay(records);
  CHECK(state.aborted);
  CHECK(state.last_sequence == 6);
}

TEST_CASE("a command that hangs is cut at its timeout, descendants too, and journaled so") {
  TempDir dir;
  const auto path = dir.path / "journal";
  asio::io_context io;
  config::NotifySettings settings;
  settings.command =
      "sleep 30 & echo $! > " + (dir.path / "child.pid").string() + "; echo hanging >&2; sleep 30";
  settings.timeout = std::chrono::milliseconds(500);
  const auto started = std::chrono::steady_clock::now();
  {
    Notifier notifier(io, settings, NotifyRun{"r-2", "mini", "", "here"});
    auto journal = Journal::create(path);
    notifier.watch(journal);
    journal.append(JournalEvent::kRunStarted, "", "", "mini");
    journal.append(JournalEvent::kRunFinished);
    io.run();
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  const auto records = read_journal(path);
  REQUIRE(records.size() == 3);
  CHECK(records[2].event == JournalEvent::kNotified);
  CHECK(records[2].step == "finished");
  CHECK_THAT(records[2].detail, Catch::StartsWith("timed out after") && Catch::Contains("hanging"));
  const int child = std::stoi(read_text(dir.path / "child.pid"));
  // The group was ended: the background sleep too (reaped by init soon after).
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = ::kill(child, 0) != 0 ||
           read_text("/proc/" + std::to_string(child) + "/stat").find(") Z") != std::string::npos;
    if (!gone) ::usleep(100'000);
  }
  CHECK(gone);
  CHECK(replay(records).finished);
}

TEST_CASE("an end's outcome is journaled after the journal closed, a pause's is not") {
  TempDir dir;
  const auto path = dir.path / "journal";
  asio::io_context io;
  config::NotifySettings settings;
  settings.command = "sleep 0.2";
  {
    Notifier notifier(io, settings, NotifyRun{"r-3", "mini", "", "here"});
    {
      auto journal = Journal::create(path);
      notifier.watch(journal);
      journal.append(JournalEvent::kRunStarted, "", "", "mini");
      journal.append(JournalEvent::kRunPaused, "", "", "asked");
      journal.append(JournalEvent::kRunFinished);
    }  // closed, as when serve lets a finished run go
    io.run();
  }
  const auto records = read_journal(path);
  REQUIRE(records.size() == 4);
  CHECK(records[3].event == JournalEvent::kNotified);
  CHECK(records[3].step == "finished");
  CHECK(records[3].detail == "exit 0");
}

TEST_CASE("a journal's appender writes while it is open, and nothing after") {
  TempDir dir;
  const auto path = dir.path / "journal";
  JournalAppender appender;
  CHECK_FALSE(appender.append(JournalEvent::kNotified, "", "paused", "exit 0"));
  {
    auto journal = Journal::create(path);
    journal.append(JournalEvent::kRunStarted, "", "", "mini");
    appender = journal.appender();
    Journal moved = std::move(journal);
    CHECK(appender.append(JournalEvent::kNotified, "", "paused", "exit 0"));
    CHECK(moved.append(JournalEvent::kRunFinished).sequence == 3);
  }
  CHECK_FALSE(appender.append(JournalEvent::kNotified, "", "finished", "exit 0"));
  const auto records = read_journal(path);
  REQUIRE(records.size() == 3);
  CHECK(records[1].event == JournalEvent::kNotified);
  CHECK(records[1].sequence == 2);
}
