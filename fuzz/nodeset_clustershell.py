#!/usr/bin/python3
"""Differential oracle for fuzz/nodeset_fuzz.cpp: every node set greenlight
accepted in a sample of the fuzz corpus must be accepted by ClusterShell 1.9
(python3-clustershell) with the same folded form and the same size.

Input: the file the fuzz target wrote with $GREENLIGHT_FUZZ_NODESET_DUMP
(lines "HEX_INPUT<TAB>ok<TAB>HEX_FOLD<TAB>SIZE" or "HEX_INPUT<TAB>error").
The groups are the ones the fuzz target gives greenlight. Prints one line
of counts; exits 1 on a difference, naming the input.
Usage: nodeset_clustershell.py DUMP
"""
import sys

from ClusterShell.NodeSet import NodeSet
from ClusterShell.NodeUtils import GroupResolver, GroupSource

SITE = GroupSource("site", {"top": "top[1-3]", "worker": "worker[01-04]", "hv": "@top,@worker"},
                   allgroups="top[1-3],worker[01-04]")
VM = GroupSource("vm", {"running": "admin[1-2],batch[1-3],ns[1-3]", "dead": "",
                        "evil": "a1,x;reboot"})
RESOLVER = GroupResolver(SITE)
RESOLVER.add_source(VM)


def main(path):
    compared = refused = skipped = 0
    differences = []
    seen = set()
    with open(path, encoding="ascii") as dump:
        for line in dump:
            fields = line.rstrip("\n").split("\t")
            if fields[0] in seen:
                continue
            seen.add(fields[0])
            if fields[1] != "ok":
                refused += 1
                continue
            try:
                text = bytes.fromhex(fields[0]).decode("utf-8")
            except UnicodeDecodeError:
                skipped += 1  # ClusterShell reads str: bytes that are not UTF-8 cannot be given
                continue
            fold, size = bytes.fromhex(fields[2]).decode("utf-8", "replace"), int(fields[3])
            compared += 1
            try:
                theirs = NodeSet(text, resolver=RESOLVER)
                their_fold, their_size = str(theirs), len(theirs)
            except Exception as error:  # any refusal of a set greenlight accepted
                their_fold, their_size = "refused: %s" % error, -1
            if (their_fold, their_size) != (fold, size):
                differences.append("%r: greenlight %r (%d nodes), ClusterShell %r (%d nodes)"
                                   % (text, fold, size, their_fold, their_size))
    print("nodeset differential: %d accepted inputs compared with ClusterShell, %d refused by "
          "greenlight, %d not UTF-8, %d differences"
          % (compared, refused, skipped, len(differences)))
    for difference in differences[:20]:
        print("  " + (difference if len(difference) <= 400 else difference[:400] + "..."))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
