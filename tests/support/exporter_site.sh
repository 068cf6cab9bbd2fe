# The site of the exporter tests (tests/fixtures/exporter/site.yaml.in) with
# the gluster captures of a pool whose peer gp3 is down. Source it, then:
#   exporter_site FIXTURES WORK   writes WORK/site.yaml, its captures in WORK/state
exporter_site() {
  local fixtures=$1 work=$2 state=$2/state p3=$1/gluster/peers3
  mkdir -p "$state"
  ln -s "$p3/pool_list_disconnected.xml" "$state/pool_list.xml"
  ln -s "$p3/peer_status_disconnected.xml" "$state/peer_status.xml"
  ln -s "$p3/volume_info.xml" "$state/volume_info.xml"
  ln -s "$p3/volume_status_peerdown.xml" "$state/volume_status.xml"
  ln -s "$p3/volume_status_all_clients_fuse.xml" "$state/volume_status_all_clients.xml"
  ln -s "$p3/client_list_fuse.txt" "$state/client_list.txt"
  ln -s "$p3/heal_info_peerdown.xml" "$state/heal_info.xml"
  ln -s "$p3/heal_info_summary_peerdown.xml" "$state/heal_info_summary.xml"
  sed -e "s|@FIXTURES@|$fixtures|g" -e "s|@STATE@|$state|g" "$fixtures/exporter/site.yaml.in" \
    >"$work/site.yaml"
}
