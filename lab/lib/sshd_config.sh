# shellcheck shell=bash
# The sshd configuration of the lab's hosts and of the tests' loopback sshd
# (tests/support/loopback_sshd.sh).
#   sshd_config PORT LISTEN-ADDRESS HOST-KEY PID-FILE AUTHORIZED-KEYS
# prints it. PidFile comes before any Match block the caller appends.
# SetEnv SHLVL=1: bash started by sshd sources ~/.bashrc unless it is a
# nested shell; the remote commands run without it. MaxStartups and
# MaxSessions are raised: with OpenSSH's default MaxStartups (10:30:100) a
# 64-wide fan-out loses about a third of its logins.
sshd_config() {
  cat <<EOF
Port $1
ListenAddress $2
HostKey $3
PidFile $4
AuthorizedKeysFile $5
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 1000
MaxSessions 100
UseDNS no
SetEnv SHLVL=1
LogLevel ERROR
EOF
}
