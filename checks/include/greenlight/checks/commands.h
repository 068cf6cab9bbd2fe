// The exact command lines whose output the parsers of this module read. A
// check runs one of these (locally or over SSH) and hands the output to the
// matching parser; keeping both here keeps them in step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "greenlight/checks/gluster_heal.h"

namespace greenlight::checks {

using Argv = std::vector<std::string>;

/// gluster --mode=script pool list --xml  (parse_gluster_peers)
Argv gluster_pool_list_argv();
/// gluster --mode=script volume info [VOL] --xml  (parse_gluster_volume_info)
Argv gluster_volume_info_argv(std::string_view volume = {});
/// gluster --mode=script volume status all|VOL [clients] --xml
/// (parse_gluster_volume_status)
Argv gluster_volume_status_argv(std::string_view volume = {}, bool clients = false);
/// gluster --mode=script volume status all client-list (text, no --xml:
/// parse_gluster_client_list)
Argv gluster_client_list_argv();
/// gluster --mode=script volume heal VOL info [summary|split-brain] --xml
/// (HealInfoParser with the same listing)
Argv gluster_heal_info_argv(std::string_view volume, HealListing listing);
/// fping -C COUNT -q [-t TIMEOUT_MS] [-p PERIOD_MS] -- TARGETS...  (parse_fping;
/// results on stderr). A silent target costs (COUNT - 1) * PERIOD + TIMEOUT
/// (fping's defaults: 1000 ms and 500 ms).
Argv fping_argv(const std::vector<std::string>& targets, int count = 3, int timeout_ms = 0,
                int period_ms = 0);
/// Shell text looking every name up in the hosts file only, one getent per
/// name: `for n in NAME...; do echo "== $n"; getent -s hosts:files hosts
/// "$n"; echo "== rc $?"; done` (parse_hosts_file_lookups). `-s
/// hosts:files` keeps glibc from asking any DNS server; `getent hosts`
/// (gethostbyname2) honours it where `ahostsv4` (getaddrinfo) ignores it in
/// glibc 2.36. `program` replaces getent when not empty (each word quoted).
std::string hosts_file_lookup_script(const std::vector<std::string>& names,
                                     const std::vector<std::string>& program = {});
/// Shell text timing, on the host it runs on, how long each name takes to
/// resolve (parse_name_resolution): it prints the `hosts:` line of
/// nsswitch.conf ("nsswitch hosts: files dns"), then lines "resolve NAME
/// SOURCE MICROSECONDS STATUS [ADDRESS]", each written in one piece, in any
/// order: for every name `getent ahosts NAME` (source nss: getaddrinfo over
/// the whole hosts line, what fping, ssh and glusterd do), all names at
/// once; a name found but slower than `warning_ms` is timed again, one name
/// at a time while the retries fit in `lookup_timeout_ms`, the retry cut at
/// the first time, and its line carries the faster (a resolver timeout is
/// slow every time, a lookup queued for a busy CPU is not); then for every
/// name `getent -s hosts:files ahosts NAME` (files) and, for those still
/// slow or not resolved, `getent -s hosts:dns ahosts NAME` (dns), all at
/// once. Each lookup runs under `timeout -k 1 SECONDS` (exit 124 when
/// cut) and is timed with bash's $EPOCHREALTIME around it (the script is
/// `bash -c '...'`: no clock process inside the timed region). `ahosts`: `getent hosts`
/// (gethostbyname2) asks AAAA first through the whole hosts line, so a name
/// of the hosts file waits on DNS there, which getaddrinfo does not; and
/// glibc 2.36's `-s` is honoured by `ahosts`, not by `ahostsv4`. `program`
/// replaces getent when not empty (each word quoted).
std::string name_resolution_script(const std::vector<std::string>& names, double warning_ms,
                                   double lookup_timeout_ms,
                                   const std::vector<std::string>& program = {});
/// fleetctl list-units --fields unit,machine,active,sub --no-legend --full
/// (parse_fleet_units with the default fields)
Argv fleet_list_units_argv();
/// curl --silent --show-error --fail --max-time SECONDS -H 'Accept: application/json' URL
/// (parse_alerts on the answer; curl's exit status and stderr say why it failed)
Argv curl_get_argv(std::string_view url, double max_seconds);

}  // namespace greenlight::checks
