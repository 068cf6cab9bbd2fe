// Checks built from configuration text, run through the fake runner on real
// GlusterFS captures: the commands they send and the verdicts they reach.
#include <catch2/catch.hpp>

#include "greenlight/checks/check.h"
#include "greenlight/checks/check_kind.h"
#include "support/check_harness.h"
#include "support/read_file.h"

using namespace greenlight;

namespace {

std::string gluster(const std::string& name) {
  return test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/" + name);
}

struct Harness {
  config::Diagnostics diagnostics;
  config::Site site;
  asio::io_context io;
  FakeRunner runner{io};

  explicit Harness(const std::string& checks) {
    const std::string text =
        "hosts:\n  vm: {self: true}\n  top[1-3]: {address: '10.1.0.[1-3]'}\nchecks:\n" + checks;
    site = checks::read_site(config::load_yaml_text(text, "site.yaml", diagnostics), "site.yaml",
                             diagnostics);
  }

  void answer(const std::string& contains, const std::string& out, int exit_code = 0,
              const std::string& err = "") {
    RunResult r;
    r.status = exit_code == 0 ? RunStatus::kOk : RunStatus::kExit;
    r.exit_code = exit_code;
    r.out = out;
    r.err = err;
    runner.answer({"", contains, r});
  }

  checks::CheckResult run(const std::string& name) {
    return testing::run_site_check(site, diagnostics, runner, io, name, Endpoint{"vm", "", 22, "", true}, std::chrono::seconds(5));
  }
};

}  // namespace

TEST_CASE("gluster_heal reads the volume's bricks, then its heal info, and opens only when clean") {
  Harness h("  heal: {kind: gluster_heal, volumes: [v1]}\n");
  h.answer("volume info", gluster("volume_info.xml"));
  h.answer("heal v1 info", gluster("heal_info_clean.xml"));
  auto clean = h.run("heal");
  CHECK(clean.status == checks::Status::ok);
  CHECK(h.runner.recorded() ==
        std::vector<std::string>{"vm: gluster --mode=script volume info --xml",
                                 "vm: gluster --mode=script volume heal v1 info --xml"});

  Harness down("  heal: {kind: gluster_heal, volumes: [v1]}\n");
  down.answer("volume info", gluster("volume_info.xml"));
  down.answer("heal v1 info", gluster("heal_info_pending.xml"));
  auto pending = down.run("heal");
  CHECK(pending.status != checks::Status::ok);
  CHECK_THAT(pending.message, Catch::Contains("brick3"));
}

TEST_CASE("gluster_volumes with expect: stopped after `gluster volume stop`") {
  Harness h("  volumes: {kind: gluster_volumes, volumes: [v1], expect: stopped}\n");
  h.answer("volume info", gluster("volume_info_stopped.xml"));
  h.answer("volume status", "", 1);
  CHECK(h.run("volumes").status == checks::Status::ok);
  Harness started("  volumes: {kind: gluster_volumes, volumes: [v1], expect: stopped}\n");
  started.answer("volume info", gluster("volume_info.xml"));
  started.answer("volume status", gluster("volume_status.xml"));
  CHECK(started.run("volumes").status == checks::Status::critical);
}

TEST_CASE("gluster_volumes expect started: a failed volume status is unknown, not OK") {
  Harness h("  volumes: {kind: gluster_volumes, volumes: [v1], expect: started}\n");
  h.answer("volume info", gluster("volume_info.xml"));
  h.answer("volume status",
           "Another transaction is in progress for v1. Please try again after some time.\n", 1);
  const auto r = h.run("volumes");
  CHECK(r.status == checks::Status::unknown);
  CHECK_THAT(r.message, Catch::StartsWith("bricks of v1 not checked: "));
  CHECK_THAT(r.message, Catch::Contains("Another transaction is in progress"));
}

TEST_CASE("a failed gluster command is unknown with its reason, never green") {
  Harness h("  peers: {kind: gluster_peers, peers: 'top[1-3]'}\n");
  RunResult refused;
  refused.status = RunStatus::kTimeout;
  refused.reason = "timed out after 20s";
  h.runner.answer({"", "pool list", refused});
  auto result = h.run("peers");
  CHECK(result.status == checks::Status::unknown);
  CHECK_THAT(result.message, Catch::Contains("timed out after 20s"));
}

TEST_CASE("a wrapper command replaces the program, arguments stay") {
  Harness h(
      "  peers: {kind: gluster_peers, peers: vm, command: [nsenter, -t, '42', -n, gluster]}\n");
  h.answer("pool list", gluster("pool_list.xml"));
  h.run("peers");
  CHECK(h.runner.recorded().at(0) == "vm: nsenter -t 42 -n gluster --mode=script pool list --xml");
}

TEST_CASE("a check's timeout is one deadline for all its commands") {
  // Three volumes, each gluster call answering after 0.8 s: with a 1 s
  // timeout the check ends after about 1 s, unknown, never OK after 3.2 s.
  const std::string fixtures = GREENLIGHT_FIXTURES_DIR;
  Harness h("  heal: {kind: gluster_heal, volumes: [v1, v2, v3], command: [sh, -c, 'sleep 0.8; "
            "case \"$*\" in *\"volume info\"*) cat " +
            fixtures + "/gluster/volume_info.xml;; *) cat " + fixtures +
            "/gluster/heal_info_clean.xml;; esac', gluster]}\n");
  LocalRunner local(h.io);
  auto groups = h.site.group_resolver();
  auto check = checks::make_check(h.site.checks.at(0), h.site, *groups, h.diagnostics);
  INFO(h.diagnostics.format());
  REQUIRE(check != nullptr);
  checks::CheckResult result;
  const auto start = std::chrono::steady_clock::now();
  checks::run_check(*check, local, Endpoint{"vm", "", 22, "", true}, std::chrono::seconds(1),
                    [&](checks::CheckResult r) { result = std::move(r); });
  h.io.run();
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::milliseconds(1600));
  CHECK(result.status == checks::Status::unknown);
  INFO(result.message);
  CHECK_THAT(result.message, Catch::Contains("timed out") || Catch::Contains("timeout"));
}

// gluster prints some reasons on stdout ("Error : Request timed out", exit 1),
// others on stderr ("Connection failed..."), and --xml ones in <opErrstr>:
// every gluster check names the reason wherever it was written.
TEST_CASE("gluster checks keep gluster's reason, on stdout or on stderr") {
  const std::string timed_out = "Error : Request timed out\n";
  const std::string daemon_down = gluster("glusterd_down.txt");
  struct Case {
    std::string check, config, answered;
  };
  const std::vector<Case> cases = {
      {"peers", "  peers: {kind: gluster_peers, peers: vm}\n", "pool list"},
      {"volumes", "  volumes: {kind: gluster_volumes, volumes: [v1]}\n", "volume info"},
      {"heal", "  heal: {kind: gluster_heal, volumes: [v1]}\n", "volume info"},
      {"clients", "  clients: {kind: gluster_clients}\n", "client-list"},
  };
  for (const auto& c : cases) {
    INFO(c.check);
    Harness on_stdout(c.config);
    on_stdout.answer(c.answered, timed_out, 1);
    const auto r = on_stdout.run(c.check);
    CHECK(r.status == checks::Status::unknown);
    CHECK_THAT(r.message, Catch::EndsWith("exit 1: Error : Request timed out"));
    Harness on_stderr(c.config);
    on_stderr.answer(c.answered, "", 1, daemon_down);
    CHECK_THAT(on_stderr.run(c.check).message,
               Catch::EndsWith("exit 1: Connection failed. Please check if gluster daemon is "
                               "operational."));
    Harness in_xml(c.config);
    in_xml.answer(c.answered,
                  "<?xml version=\"1.0\"?>\n<cliOutput><opRet>-1</opRet><opErrno>0</opErrno>"
                  "<opErrstr>Volume v1 does not exist</opErrstr></cliOutput>\n",
                  1);
    CHECK_THAT(in_xml.run(c.check).message, Catch::EndsWith("exit 1: Volume v1 does not exist"));
    Harness silent(c.config);
    silent.answer(c.answered, "", 2);
    CHECK_THAT(silent.run(c.check).message, Catch::EndsWith("exit 2: exit status 2"));
  }
  // Heal info of one volume failing with its reason on stderr only.
  Harness heal("  heal: {kind: gluster_heal, volumes: [v1]}\n");
  heal.answer("volume info", gluster("volume_info.xml"));
  heal.answer("heal v1 info", "", 1, timed_out);
  const auto r = heal.run("heal");
  CHECK(r.status == checks::Status::unknown);
  CHECK(r.message == "heal info v1 failed: Error : Request timed out");
}

TEST_CASE("a node set parameter written empty is an error at its place, never a check of nothing") {
  for (const std::string& check :
       {std::string("  r: {kind: name_resolution, names: \"\"}\n"),
        std::string("  p: {kind: fping, targets: \" \"}\n")}) {
    Harness h(check);
    auto groups = h.site.group_resolver();
    auto built = checks::make_check(h.site.checks.at(0), h.site, *groups, h.diagnostics);
    CHECK_THAT(h.diagnostics.format(), Catch::Contains("site.yaml:5:") &&
                                           Catch::Contains("an empty node set"));
  }
  Harness named("  r: {kind: name_resolution, names: \"top[1-3]\"}\n");
  auto groups = named.site.group_resolver();
  CHECK(checks::make_check(named.site.checks.at(0), named.site, *groups, named.diagnostics));
  CHECK(named.diagnostics.ok());
}

TEST_CASE("a check's `on:` hosts must be the site's: a typo is an error at its place") {
  Harness typo("  r: {kind: name_resolution, names: top1, on: \"top[1-2],top9,tpo1\"}\n");
  auto groups = typo.site.group_resolver();
  checks::make_check(typo.site.checks.at(0), typo.site, *groups, typo.diagnostics);
  CHECK_THAT(typo.diagnostics.format(),
             Catch::Contains("site.yaml:5:") && Catch::Contains("on: top9,tpo1 are not in the site's hosts"));
  Harness known("  r: {kind: name_resolution, names: top1, on: \"top[1-3],self\"}\n");
  groups = known.site.group_resolver();
  CHECK(checks::make_check(known.site.checks.at(0), known.site, *groups, known.diagnostics));
  CHECK(known.diagnostics.ok());
}
