"""The lab fleet's JSON state, shared by fleetctl and the fleet agents.

Changes are made under an exclusive lock on STATE.lock and written to a
temporary file renamed over STATE, only when they changed something: a
writer killed at any moment (a host powered off under its fleet agent)
leaves the old state or the new one, never an empty or half-written file,
and the agents' polls cost no write.
"""
import fcntl
import json
import os


def locked(path, change):
    """Calls change(state) under the lock and returns what it returns;
    writes the state back when change modified it."""
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(path) as handle:
            state = json.load(handle)
        before = json.dumps(state, indent=1)
        result = change(state)
        new_text = json.dumps(state, indent=1)
        if new_text != before:
            temporary = "%s.%d.tmp" % (path, os.getpid())
            with open(temporary, "w") as handle:
                handle.write(new_text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        return result
