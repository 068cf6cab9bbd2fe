// The process that executes a run (holds its RunLock), described as an
// operator needs it to follow the run or stop it: greenlight serve is
// followed with `attach`; a `runbook exec` or `resume` executing in its own
// process only from its terminal.
#pragma once

#include <string>

namespace greenlight::runbook {

struct LockHolder {
  int pid = 0;           ///< as RunLock::holder: 0 nobody, -1 a process whose id is unknown
  bool known = false;    ///< its command line could be read
  bool serve = false;    ///< it is greenlight serve
  std::string user;      ///< its user's name, "uid N", or "?"
  std::string terminal;  ///< its controlling terminal (/dev/pts/3), empty without one
};

/// What /proc says about process `pid` (RunLock::holder of a run).
LockHolder lock_holder(int pid);

/// Where `run` executes and what can be done about it, as one sentence
/// without a final period: held by greenlight serve, follow it with
/// `greenlight runbook attach RUN`; executing in a process of its own, the
/// process, its user and terminal, that only that terminal follows it, that
/// `greenlight runbook status RUN` shows where it stands, and that Ctrl-C in
/// that terminal (or kill -INT PID) stops it. A holder not known (no pid,
/// /proc not readable) gets both ways.
std::string holder_advice(const std::string& run, const LockHolder& holder);

}  // namespace greenlight::runbook
