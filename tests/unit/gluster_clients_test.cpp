// The clients gate on real GlusterFS 10.3 captures (tests/fixtures/gluster/
// clients/README.md): glusterd's count of clients by type decides, the
// connections only name the hosts.
#include <catch2/catch.hpp>

#include "greenlight/checks/gluster_verdict.h"
#include "support/read_file.h"

using namespace greenlight::checks;

namespace {
std::string fixture(const std::string& name) {
  return greenlight::test::read_file(std::string(GREENLIGHT_FIXTURES_DIR) + "/gluster/clients/" +
                                     name);
}
const ClientsExpectation kLab{{{"top1", "10.77.0.1"},
                               {"top2", "10.77.0.2"},
                               {"top3", "10.77.0.3"},
                               {"worker1", "10.77.0.4"}}};

std::vector<VolumeClientList> lists(const std::string& text) {
  auto parsed = parse_gluster_client_list(text);
  INFO((parsed.ok() ? "" : parsed.error().reason));
  REQUIRE(parsed.ok());
  return *parsed;
}
GlusterVolumeStatus status(const std::string& file) {
  auto parsed = parse_gluster_volume_status(fixture(file));
  INFO((parsed.ok() ? "" : parsed.error().reason));
  REQUIRE(parsed.ok());
  return *parsed;
}
}  // namespace

TEST_CASE("client-list: counts by type per volume, stopped volumes, totals checked") {
  const auto fuse = lists(fixture("client_list_fuse.txt"));
  REQUIRE(fuse.size() == 2);
  CHECK(fuse[0].volume == "volspoms1");
  CHECK(fuse[0].count("glustershd") == 3);
  CHECK(fuse[0].count("fuse") == 1);
  CHECK(fuse[0].count("gfapi") == 0);
  CHECK(fuse[0].total == 4u);
  CHECK(fuse[1].volume == "volspoms2");
  const auto one = lists(fixture("client_list_one_stopped.txt"));
  REQUIRE(one.size() == 2);
  CHECK(one[1].volume == "volspoms2");
  CHECK_FALSE(one[1].started);
  CHECK(lists("").empty());
  // A cut output (no total) or rows that do not add up are not read.
  const std::string text = fixture("client_list_fuse.txt");
  CHECK_FALSE(parse_gluster_client_list(text.substr(0, text.find("total clients"))).ok());
  std::string changed = text;
  changed.replace(changed.find("fuse  "), 6, "gfapi ");
  CHECK(parse_gluster_client_list(changed).ok());
  changed.replace(changed.find(": 4"), 3, ": 5");
  const auto bad = parse_gluster_client_list(changed);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().reason, Catch::Contains("the rows count 4 clients, the total says 5"));
  CHECK_FALSE(parse_gluster_client_list("Connection failed. Please check if gluster daemon is "
                                        "operational.\n")
                  .ok());
}

TEST_CASE("clients: self-heal daemons alone are green") {
  const auto r = gluster_clients_verdict(lists(fixture("client_list_clean.txt")),
                                         status("clients_clean.xml"), kLab);
  CHECK(r.green());
  CHECK(r.message == "no client of 2 started volumes (6 self-heal daemon connections)");
}

TEST_CASE("clients: a FUSE mount on a brick server is named with its host") {
  const auto r = gluster_clients_verdict(lists(fixture("client_list_fuse.txt")),
                                         status("clients_fuse.xml"), kLab);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "a client of volspoms1 (1 fuse) from top1 (10.77.0.1)");
  CHECK(*r.fact("client", "10.77.0.1") == "top1:/bricks/volspoms1");
}

TEST_CASE("clients: a peer without a brick runs a self-heal daemon, never named for it") {
  // GlusterFS 10 runs glustershd on every peer of the pool: worker1 (no
  // brick) holds one connection per brick; the VM 10.77.0.9 holds a mount.
  auto status_of = status("clients_clean.xml");
  for (auto& b : status_of.bricks) {
    if (b.volume != "volspoms1") continue;
    b.clients.push_back({"10.77.0.4:49100", 0, 0});
    b.clients.push_back({"10.77.0.9:49100", 0, 0});
  }
  ClientsExpectation pool = kLab;
  pool.daemon_hosts = {"top1", "top2", "top3", "worker1"};
  const auto r = gluster_clients_verdict(lists(fixture("client_list_fuse.txt")), status_of, pool);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "a client of volspoms1 (1 fuse) from 10.77.0.9");
  // A mount on that peer too: two connections per brick, named.
  for (auto& b : status_of.bricks)
    if (b.volume == "volspoms1") b.clients.push_back({"10.77.0.4:49101", 0, 0});
  const auto both = gluster_clients_verdict(lists(fixture("client_list_fuse.txt")), status_of, pool);
  CHECK(both.message == "a client of volspoms1 (1 fuse) from worker1 (10.77.0.4), 10.77.0.9");
}

TEST_CASE("clients: with no self-heal daemon counted, no connection is excused") {
  // The daemon off (or a distribute volume): glusterd counts no glustershd,
  // so a peer's one connection per brick is its mount's.
  auto status_of = status("clients_clean.xml");
  for (auto& b : status_of.bricks) {
    if (b.volume != "volspoms1") continue;
    b.clients.clear();
    b.clients.push_back({"10.77.0.4:49100", 0, 0});
  }
  ClientsExpectation pool = kLab;
  pool.daemon_hosts = {"top1", "top2", "top3", "worker1"};
  const std::string no_healers =
      "Client connections for volume volspoms1\nName count\n-----  ------\nfuse 1\n\n"
      "total clients for volume volspoms1 : 1\n"
      "Client connections for volume volspoms2\nName count\nglustershd 3\n"
      "total clients for volume volspoms2 : 3\n";
  const auto r = gluster_clients_verdict(lists(no_healers), status_of, pool);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "a client of volspoms1 (1 fuse) from worker1 (10.77.0.4)");
}

TEST_CASE("clients: a mount on a worker without bricks blocks, whatever hosts are") {
  // The case `ignore: "@hypervisors"` let through: a worker hypervisor (no
  // brick, so no self-heal daemon) holding one connection per brick.
  auto worker = status("clients_clean.xml");
  for (auto& b : worker.bricks)
    if (b.volume == "volspoms1") b.clients.push_back({"10.77.0.4:49100", 0, 0});
  const auto r = gluster_clients_verdict(lists(fixture("client_list_fuse.txt")), worker, kLab);
  CHECK(r.status == Status::critical);
  CHECK(r.message == "a client of volspoms1 (1 fuse) from worker1 (10.77.0.4)");
  // gfapi (qemu's gluster:// disks) blocks the same way; two types named.
  const std::string gfapi =
      "Client connections for volume volspoms1\nName count\n-----  ------\nglustershd 3\n"
      "fuse 1\ngfapi 2\n\ntotal clients for volume volspoms1 : 6\n"
      "Client connections for volume volspoms2\nName count\nglustershd 3\n"
      "total clients for volume volspoms2 : 3\n";
  const auto both = gluster_clients_verdict(lists(gfapi), worker, kLab);
  CHECK(both.status == Status::critical);
  CHECK(both.message == "the clients of volspoms1 (1 fuse, 2 gfapi) from worker1 (10.77.0.4)");
  // glusterd counted a client the connections cannot place: still blocks.
  const auto unplaced = gluster_clients_verdict(lists(fixture("client_list_fuse.txt")),
                                                status("clients_clean.xml"), kLab);
  CHECK(unplaced.status == Status::critical);
  CHECK(unplaced.message ==
        "a client of volspoms1 (1 fuse) from a host volume status does not tell");
}

TEST_CASE("clients: stopped volumes, and answers that prove nothing") {
  const auto stopped = gluster_clients_verdict(lists(fixture("client_list_all_stopped.txt")),
                                               status("clients_all_stopped.xml"), kLab);
  CHECK(stopped.green());
  CHECK(stopped.message == "no started volume: no client can be connected (2 stopped)");
  const auto one = gluster_clients_verdict(lists(fixture("client_list_one_stopped.txt")),
                                           status("clients_clean.xml"), kLab);
  CHECK(one.status == Status::unknown);
  CHECK(one.message == "volume volspoms2 started in volume status, not in client-list");
  const auto empty = gluster_clients_verdict({}, status("clients_clean.xml"), kLab);
  CHECK(empty.status == Status::unknown);
  CHECK(empty.message ==
        "client-list does not list volume volspoms1; client-list does not list volume volspoms2; "
        "client-list listed no volume");
}
