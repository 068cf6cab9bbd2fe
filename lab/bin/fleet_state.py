"""The lab fleet's JSON state, shared by fleetctl and the fleet agents.

Changes are made under an exclusive lock on STATE.lock and written to a
temporary file renamed over STATE: a writer killed at any moment (a host
powered off under its fleet agent) leaves the old state or the new one,
never an empty or half-written file.
"""
import fcntl
import json
import os


def locked(path, change):
    """Calls change(state) under the lock; writes the state back when it
    returns True-ish 'write' (a tuple (result, write)) or always when
    change returns a plain value."""
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(path) as handle:
            state = json.load(handle)
        outcome = change(state)
        result, write = outcome if isinstance(outcome, tuple) else (outcome, True)
        if write:
            temporary = "%s.%d.tmp" % (path, os.getpid())
            with open(temporary, "w") as handle:
                json.dump(state, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        return result
