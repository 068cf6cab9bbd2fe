# The BMC tests' ending, sourced after check.sh:
#   bmc_down_checked BMC_SH DIR   stops the ipmi_sim instances lab/bmc.sh
#                                 started in DIR and checks that each ended
bmc_down_checked() {
  local bmc=$1 root=$2 pids pid alive=0
  pids=$(cat "$root"/*/pid)
  bash "$bmc" down "$root"
  for pid in $pids; do bash "$bmc" running "$pid" && alive=$((alive + 1)); done
  check "every ipmi_sim started is stopped" test "$alive" -eq 0
}
