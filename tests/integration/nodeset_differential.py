#!/usr/bin/python3
"""Differential test: `greenlight nodeset` against ClusterShell's `nodeset`.

Expected results come from ClusterShell 1.9's own command-line code, run in
this process (same parser, same output, same exit code as the `nodeset`
program; a sample of cases is also checked against the real program to prove
it). Cases: golden cases from ClusterShell's semantics plus random node sets
from a fixed seed. Usage: nodeset_differential.py GREENLIGHT [COUNT]
"""
import contextlib
import io
import os
import random
import subprocess
import sys

from ClusterShell import NodeSet as cs_nodeset_module
from ClusterShell import NodeUtils as cs_node_utils
from ClusterShell.CLI import Nodeset as cs_nodeset

GOLDEN = [
    ["-f", "node[08-11]"], ["-e", "node[08-11]"], ["-c", "node[08-11]"],
    ["-f", "node[1-2,001-002]"], ["-e", "node[1-2,001-002]"],
    ["-e", "node[1-10/2]"], ["-f", "node[1-10/2]"], ["-f", "node[0-10/3]", "node[1-3]"],
    ["-f", "da[2-5]c[1-2]p[0-1]"], ["-e", "da[2-5]c[1-2]p[0-1]"], ["-c", "da[2-5]c[1-2]p[0-1]"],
    ["-f", "node-00[1-6]0"], ["-e", "node-00[1-6]0"], ["-f", "n1[1-3]0[2-3]"],
    ["-f", "a[1-5],b[2-3]!a3&a[1-4,10]^a[4-6]"], ["-f", "a[1-9]!a[2-3],a2"],
    ["-f", "a[1-3]", "a[2-5]", "-x", "a4"], ["-f", "a[1-10]", "-i", "a[5-20]"],
    ["-f", "a[1-10]", "-X", "a[5-20]"], ["-f", "-x", "a2", "a[1-3]"],
    ["-f", "n[9-11]"], ["-f", "n[09-11]"], ["-f", "n9,n10,n011"], ["-f", "n[099-101]"],
    ["-f", "n[0-1],n[00-01]"], ["-e", "n[0-1],n[00-01]"], ["-f", "n[1-3]-ib[0-1]"],
    ["-f", "x1y1,x1y2,x2y1,x2y2,x3y3"], ["-e", "x1y1,x1y2,x2y1,x2y2,x3y3"],
    ["-f", "a1b1c1,a1b2c1,a2b1c1,a2b2c2"], ["-e", "a1b1c1,a1b2c1,a2b1c1,a2b2c2"],
    ["-f", "@top,@worker"], ["-f", "@hypervisors", "-x", "top1"], ["-e", "@ocean:dns"],
    ["-f", "@fleet:running!ns[1-3]"], ["-c", "@*"], ["-f", "@fleet:*"], ["-f", "@@fleet"],
    ["-L"], ["-LL"], ["-LLL"], ["-L", "-s", "shell"], ["-GL"], ["-f", "@@"], ["-c", "@@"], ["-f", "@:"], ["-f", "@:top"], ["-f", "*!top*"], ["-f", "*&top*"], ["-c", "*^top1*"], ["-f", "top*!top1*"], ["-f", "top?!top*"],
    ["-f", "@shell:gpu"], ["-c", "@shell:compute"], ["-f", "@shell:*"], ["-f", "@@shell"],
    ["-f", "@top", "-s", "shell"], ["-s", "shell", "-f", "@gpu"], ["-f", "@nosuch"],
    ["-e", "-O", "pcocc-vm-%s.service", "@fleet:running", "-x", "ns[1-3]"],
    ["-f", "-O", "%s-ipmi", "node[1-4]"], ["-c", "-O", "count=%s", "n[1-5]"], ["-c", "-O", "%d", "n[1-5]"],
    ["-e", "-S", "\\n", "n[1-3]"], ["-e", "-S", ",", "n[1-3]"], ["-e", "-S", "\\t:", "n[1-3]"],
    ["-l"], ["-ll"], ["-lll"], ["-l", "-s", "fleet"], ["-ll", "-s", "shell"], ["-l", "top1", "worker2"],
    ["-ll", "top[1-2]"], ["-lll", "ns1"], ["--groupsources"], ["-f", "-a"], ["-c", "-a"],
    ["-f", "n[1-3"], ["-f", "n1-3]"], ["-f", "n[3-1]"], ["-f", "n[1-2]]"], ["-f", "n[a-b]"],
    ["-f", "n[1-2][3-4]"], ["-f", "n[]"], ["-f", "a,"], ["-f", ",a"], ["-f", "a!"], ["-f", "a,,b"],
    ["-f", "n[1-3/\x1f2]"], ["-R", "-f", "5\x1f/1"], ["-R", "-f", "1-3/ 2 "],
    ["-R", "-f", "1-3/\u00a02"], ["-f", "n[1-3/\t2]"],
    ["-f", "n[01-2]"], ["-f", "n[1-2/0]"], ["-f", "n[1/2]"], ["-f", "n[1-10/2]0"], ["-f", ""],
    ["-f", " a , b "], ["-f", "a b"], ["-f", "a%b[1-2]"], ["-e", "a%b[1-2]"], ["-f"], ["-c"],
    ["-f", "-e", "a"], [], ["-z", "a"], ["-f", "a", "-i"], ["-f", "--exclude=a1", "a[1-2]"],
    ["--fold", "a[1-2]", "b"], ["-e", "-O", "%s-%s", "a[1-2]"], ["-e", "-O", "x", "a[1-2]"],
    ["-f", "n[1-100000]", "-x", "n[50-99999]"], ["-c", "n[1-100000]c[1-3]"],
    # -O is Python's % operator: flags, width, precision, %r, %%.
    ["-O", "%-8s|", "-e", "node[1-2]"], ["-e", "-O", "%r", "n[1-2]"], ["-e", "-O", "%.2s", "node1"],
    ["-e", "-O", "%10.3s|", "n[1-2]"], ["-c", "-O", "%05d", "n[1-5]"], ["-c", "-O", "%#x", "n[1-20]"],
    ["-c", "-O", "%+.2e", "n[1-5]"], ["-c", "-O", "%c", "n[1-65]"], ["-e", "-O", "%%%s%%", "n1"],
    ["-f", "-O", "%r", "n[1-3]"], ["-e", "-O", "%d", "n1"], ["-e", "-O", "%", "n1"],
    ["-e", "-O", "%(a)s", "n1"], ["-e", "-O", "%5%", "n1"], ["-e", "-O", "%a", "n\u00e9"],
    # ClusterShell 1.9 options: autostep, split, contiguous, range sets,
    # regroup, axis, slices, pick, abbreviations.
    ["--autostep=3", "-f", "n[1-9/2],n[10-20/5]"], ["--autostep", "auto", "-f", "n[1-9/2]"],
    ["--autostep", "50%", "-f", "n[1-9/2],n12"], ["--autostep", "x", "-f", "n1"],
    ["--split=3", "-f", "n[1-10]"], ["--split", "2", "-e", "n[1-5],m[1-2]"], ["--split=4", "-c", "n[1-3]"],
    ["--split", "0x2", "-f", "n[1-4]"], ["--split", "x", "-f", "n1"], ["--split=2", "--contiguous", "-f", "n1"],
    ["--contiguous", "-f", "n[1-3,5,7-9],a,b[01-02]"], ["--contiguous", "-f", "a1b[1-3],a2b[1-3],a3b4,c"],
    ["-R", "-f", "1-5,7,03-04"], ["-R", "-e", "1-3", "-x", "2"], ["-R", "-c", "1-10/2"], ["-R", "-f", ""],
    ["-R", "-f", "-O", "x", "1-3"], ["-R", "-f", "-O", "%d", "1-3"], ["-R", "-a", "-f"], ["-R", "-s", "shell", "-f", "1"],
    ["-R", "--autostep=3", "-f", "1,3,5,7,10"], ["-R", "--split=2", "-f", "1-9"], ["-R", "--contiguous", "-f", "1-3,5"],
    ["-R", "-I", "0-1", "-f", "3-9"], ["-r", "top[1-3],worker[1-4],x1"], ["-r", "ns[1-3],top1"], ["-r", "-s", "fleet", "admin[1-2],lnet[1-2]"],
    ["-r", "-G", "-s", "fleet", "lnet[1-2]"], ["-r", "rack1n[1-8],rack2n1"], ["-r", "x"],
    ["--axis=1", "-f", "a[1-2]b[1-3]"], ["--axis=2", "-f", "a[1-2]b[1-3]"], ["--axis=-1", "-f", "a[1-2]b[1-3],n[1-3]"],
    ["--axis=1", "-f", "n[1-3]"], ["--axis=2", "-f", "n[1-3]"], ["--axis=0", "-f", "n[1-3]"], ["--axis=1", "-e", "n1"],
    ["--axis", "-1-2", "-f", "n1"], ["--axis=1-3", "-f", "a[1-2]b[1-2]c[1-2]"], ["--axis=2", "-f", "-O", "%s-x", "a[1-2]b[1-2]"],
    ["-I", "0", "-f", "n[1-9]"], ["-I", "2-4,7", "-f", "a1b[1-3],a2b[1-3],a3b4,c,n[1-3,5]"], ["-I", "-3--1", "-f", "n[1-9]"],
    ["-I", "5-20", "-e", "n[1-9]"], ["-I", "x", "-f", "n1"], ["--slice=1", "-c", "n[1-5]"],
    ["--pick=3", "-c", "n[1-10]"], ["--pick", "20", "-f", "n[1-10]"], ["--pick=-1", "-c", "n[1-10]"], ["--pick=0", "-c", "n[1-3]"],
    ["--cont", "-f", "n[1-2,4]"], ["--exc=n1", "-f", "n[1-3]"], ["--co", "n1"], ["--nosuch", "n1"], ["--count=3", "n1"],
    ["-d", "-f", "n[1-2]"], ["--groupsconf", "/nonexistent/groups.conf", "-f", "n1"], ["-s", "-x", "-f", "n1"],
    ["-ll", "-R"], ["-c", "--split"], ["-fc", "n1"],
    # An unknown group source is an error even where no group is used.
    ["-s", "nosuch", "-f", "n1"], ["-s", "nosuch", "-c", "n[1-3]"], ["-s", "nosuch", "--groupsources"],
    ["-R", "-s", "nosuch", "-f", "1"], ["-s", "nosuch", "-r", "n1"], ["-s", "nosuch"],
    ["--groupsconf", "/nonexistent/groups.conf", "-s", "x", "-f", "n1"],
    # An operand's lines end where Python's str.splitlines() ends them.
    ["-f", "a\rb"], ["-f", "a\x0bb,c\x1cd\x0ce"], ["-e", "a\r\nb\u2028c\x85d"], ["-f", "a\n\nb\x1fc"],
    # Unicode blanks (a no-break space from a copied web page, ...) are
    # stripped as Python strips them; inside a name they stay bytes of it.
    ["-f", "n[1-3]", "-x", "n1\u00a0"], ["-e", "n1 \u00a0"], ["-f", "\u3000n[1-2],\u2003n3\u202f"],
    ["-f", "n[\u00a01-3\u2009]"], ["-c", "n\u00a0x"], ["-f", "n1\u205f,\u1680n2\u200a"],
]

# Options whose output is not ClusterShell's text (help, version): only the
# exit code is compared.
EXIT_CODE_ONLY = [["-h"], ["--help"], ["--version"], ["-f", "--he"]]

GRID = "\n".join("r%dn%d" % (r, n) for r in range(1, 12) for n in range(1, 9))
STDIN_CASES = [
    (["-f"], "node1 node2\nnode3 # comment\n\nnode10\n"),
    (["-f"], GRID + "\nr20n1 r20n3 x1y1 x2y2 x1y2\n"),
    (["-e"], "b3 a1 a[2-3] @top\nn[1-2]c[3-4] n3c3\n"),
    (["-c", "-x", "-", "n[1-20]"], "n5 n6\n"),
    (["-f", "a[1-9]", "-i", "-"], "a2 a5\na11\n"),
    # An operation with an empty standard input is not applied (process_stdin).
    (["-f", "n[1-9]", "-i", "-"], ""), (["-c", "n[1-3]", "-i", "-"], "\n"),
    (["-f", "n[1-3]", "-i", "-", "-x", "n1"], "# c\n\n"), (["-f", "-R", "1-5", "-i", "-"], ""),
    (["-f", "-i", "-", "n[1-3]"], ""), (["-f", "-", "-i", "-"], "n[1-3]\n"),
    (["-f"], "node[1-3\n"),
    (["-f"], "node1\nnode2"),
    (["-f"], "node1\r\nnode3 # x\r\nnode2"),
    (["-R", "-f"], "1 3\n5-7 # comment\n"),
    (["-R", "-c", "-x", "-", "1-20"], "5 6\n"),
    (["--split=2", "-e"], "n3 n1 n2 n4\n"),
    # sys.stdin ends lines at "\n" only: a "\r" is a blank, even in a comment.
    (["-f"], "a\rb #c\rd\n"), (["-e"], "#x\rn1\nn2\rn3\n"),
    # str.split() splits at Unicode blanks too.
    (["-f"], "n1\u00a0n2\u3000n3\u2028n4\x85n5\n"), (["-c"], "n\u20ac1 n1\u00a0\n"),
]

PREFIXES = ["n", "node", "cn", "da", "x-", "r1n", "top", "c-ib", "a.b"]
SUFFIXES = ["", "", "", "-ib", "p", "-bmc", "c", ".lab"]


def rand_range(rng):
    pad = rng.choice([0, 0, 0, 2, 3])
    parts = []
    for _ in range(rng.randint(1, 3)):
        a = rng.randint(0, 30 if pad != 2 else 60)
        kind = rng.random()
        if kind < 0.45:
            parts.append("%0*d" % (pad, a))
        else:
            b = a + rng.randint(0, 25)
            if pad == 2 and b > 99:
                b = 99
            text = "%0*d-%0*d" % (pad, a, pad, b)
            if kind > 0.85:
                text += "/%d" % rng.randint(1, 4)
            parts.append(text)
    return ",".join(parts)


def rand_name(rng):
    dims = rng.choice([1, 1, 1, 2, 2, 3])
    name = rng.choice(PREFIXES)
    for d in range(dims):
        if d:
            name += rng.choice(["c", "p", "-", "s"])
        if rng.random() < 0.7:
            name += "[%s]" % rand_range(rng)
        else:
            name += str(rng.randint(0, 40)).zfill(rng.choice([1, 1, 2, 3]))
    name += rng.choice(SUFFIXES)
    return name


def rand_set(rng):
    text = rand_name(rng)
    for _ in range(rng.randint(0, 3)):
        text += rng.choice([",", ",", ",", "!", "&", "^"]) + (
            rng.choice(["@top", "@worker", "@dns", "@fleet:running", "@shell:login", "@racks"])
            if rng.random() < 0.15 else rand_name(rng))
    return text


def corrupt(rng, text):
    i = rng.randint(0, len(text))
    return text[:i] + rng.choice(["[", "]", ",", "!", "-", "/", "[]", "a[", "0", " "]) + text[i:]


def add_operations(rng, args, operand):
    """Up to two more operands, each after -x, -i, -X or nothing (a union)."""
    for _ in range(rng.choice([0, 0, 1, 2])):
        op = rng.choice(["-x", "-i", "-X", None])
        if op:
            args.append(op)
        args.append(operand(rng))
    return args


def rand_format(rng, numeric):
    """A -O format of every family Python's % knows, sometimes a wrong one."""
    conversions = "sra" + ("sdiuoxXeEfFgGc" if numeric else "s" * 6 + "c")
    spec = "%"
    for flag in "-+ #0":
        if rng.random() < 0.15:
            spec += flag
    if rng.random() < 0.4:
        spec += str(rng.randint(0, 12))
    if rng.random() < 0.3:
        spec += "." + str(rng.randint(0, 6))
    if rng.random() < 0.05:
        spec += rng.choice(["l", "h", "L"])
    spec += rng.choice(conversions)
    text = rng.choice(["", "", "x-", "pcocc-vm-", "[", "%%", "n:"]) + spec + rng.choice(["", "", "-ipmi", "|", "%%", "]"])
    roll = rng.random()
    if roll < 0.04:
        text = text.replace(spec, "")          # no conversion: TypeError
    elif roll < 0.08:
        text += "%s"                            # two conversions
    elif roll < 0.11:
        text += rng.choice(["%", "%z", "%5%", "%*d", "%(x)s", "%.*s"])
    return text


def rand_options(rng, command):
    """ClusterShell 1.9 options beyond the commands and operators."""
    args = []
    if rng.random() < 0.12:
        args += ["--autostep", rng.choice(["2", "3", "4", "auto", "50%", "100%", "1", "0"])]
    if rng.random() < 0.12:
        if rng.random() < 0.5:
            args.append("--split=%d" % rng.randint(0, 5))
        else:
            args.append("--contiguous")
    if rng.random() < 0.08:
        args += ["-I", rng.choice(["0", "1-3", "0-2,5", "-1", "-3--1", "2-30", "0-1,4-6"])]
    if command == "-f" and rng.random() < 0.08:
        args.append("--axis=" + rng.choice(["1", "2", "3", "1-2", "2-3", "-1", "-2", "0", "1,3"]))
    if rng.random() < 0.05:
        args.append(rng.choice(["--cont", "--auto=3", "--spl=2", "--sl=0-2", "--ax=1", "-q", "-d"]))
    return args


def rand_rangeset_case(rng):
    command = rng.choice(["-f", "-e", "-c"])
    args = ["-R", command] + rand_options(rng, "-e")
    if rng.random() < 0.15:
        args += ["-O", rand_format(rng, command == "-c")]
    args.append(rand_range(rng))
    return add_operations(rng, args, rand_range)


def rand_regroup_case(rng):
    nodes = rng.choice(["top[1-3]", "worker[1-4]", "ns[1-3]", "admin[1-2]", "rack1n[1-8]",
                        "rack2n[1-8]", "islet[01-16]", "x[1-2]", "batch[1-3]", "lnet[1-2]"])
    for _ in range(rng.randint(0, 3)):
        nodes += "," + rng.choice(["top[1-3]", "top1", "worker[2-4]", "ns[1-3]", "infra[1-2]",
                                   "auto1", "rack[1-2]n[1-8]", "islet[01-08]", "y1"])
    args = ["-r"]
    if rng.random() < 0.3:
        args += ["-s", rng.choice(["ocean", "fleet", "shell"])]
    if rng.random() < 0.2:
        args.append("-G")
    return args + rand_options(rng, "-r") + [nodes]


def rand_pick_case(rng):
    return ["--pick=%d" % rng.randint(-1, 12), "-c", rand_set(rng)]


def rand_case(rng):
    roll = rng.random()
    if roll < 0.08:
        return rand_rangeset_case(rng)
    if roll < 0.12:
        return rand_regroup_case(rng)
    if roll < 0.14:
        return rand_pick_case(rng)
    command = rng.choice(["-f", "-f", "-e", "-c"])
    args = [command] + rand_options(rng, command)
    if rng.random() < 0.1:
        args += ["-O", rng.choice(["%s", "pcocc-vm-%s.service", "%s-ipmi", "[%s]"])]
    elif rng.random() < 0.12:
        args += ["-O", rand_format(rng, command == "-c")]
    if command == "-e" and rng.random() < 0.2:
        args += ["-S", rng.choice([",", "\\n", " + "])]
    args.append(corrupt(rng, rand_set(rng)) if rng.random() < 0.12 else rand_set(rng))
    return add_operations(rng, args, rand_set)


def rand_stdin_case(rng):
    """Names one or more a line in any order, as tools print them: padded
    and unpadded indexes of several widths, repeats, other words, comments,
    blanks and line ends of every kind."""
    words = []
    for _ in range(rng.randint(1, 60)):
        roll = rng.random()
        if roll < 0.75:
            index = rng.choice([rng.randint(0, 12), rng.randint(0, 120), rng.randint(90, 1100)])
            words.append(rng.choice(["n", "node", "cn", "x-"]) + str(index).zfill(rng.choice([1, 1, 1, 2, 3, 4])) +
                         rng.choice(["", "", "", "-ib"]))
        elif roll < 0.85:
            words.append(rand_name(rng))
        elif roll < 0.9:
            words.append(rng.choice(["login", "r1n2", "r2n1", "a1b2c3", "@top"]))
        else:
            words.append("#" + rng.choice(["", " n5", "x"]))
    text = ""
    for word in words:
        text += word + rng.choice([" ", " ", "\n", "\n", "\t", "  ", "\r\n", "\r", "\x1c", "\v",
                                   "\u00a0", "\u2003"])
    if rng.random() < 0.3:
        text = text[:-1]  # an unterminated last line
    return [rng.choice(["-f", "-f", "-c", "-e"])], text


def clustershell(args, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    # A fresh resolver per case, as each run of the program has (-s changes it).
    cs_nodeset_module.set_std_group_resolver(cs_node_utils.GroupResolverConfig(
        cs_nodeset_module.DEF_GROUPS_CONFIGS, cs_nodeset_module.ILLEGAL_GROUP_CHARS))
    old_argv = sys.argv
    sys.argv = ["nodeset"] + args
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cs_nodeset.main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv = old_argv
        sys.stdin = old_stdin
    return out.getvalue(), code


def run(program, args, stdin=""):
    proc = subprocess.run(program + args, input=stdin.encode(), capture_output=True, timeout=60)
    return proc.stdout.decode("utf-8", "replace"), proc.returncode


def digit_table_failures(greenlight):
    """Every run of decimal digits outside ASCII (str.isdecimal(), as
    ClusterShell's \\d and int() read them) is refused at both its ends, and
    the characters around each run are kept as name bytes, as ClusterShell
    keeps them. ClusterShell reads such a digit as the ASCII one."""
    runs = []
    for cp in range(0x80, 0x110000):
        if chr(cp).isdecimal():
            if runs and runs[-1][1] == cp - 1:
                runs[-1][1] = cp
            else:
                runs.append([cp, cp])
    failures = []
    for first, last in runs:
        for cp in (first, last):
            name = "n" + chr(cp)
            out, code = run(greenlight, ["-f", name])
            if code == 0 or clustershell(["-f", name]) != ("n%d\n" % int(chr(cp)), 0):
                failures.append((["-f", name], ("refused", 1), (out, code)))
        for cp in (first - 1, last + 1):
            if chr(cp).isdecimal() or chr(cp).isspace() or not chr(cp).isprintable():
                continue
            name = "n" + chr(cp)
            expected = clustershell(["-f", name])
            got = run(greenlight, ["-f", name])
            if expected != got:
                failures.append((["-f", name], expected, got))
    return runs, failures


def main():
    greenlight = [sys.argv[1], "nodeset"]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    seed = int(os.environ.get("NODESET_SEED", "20261124"))
    rng = random.Random(seed)
    cases = GOLDEN + [rand_case(rng) for _ in range(count)]
    failures = []
    for args in cases:
        # Regrouping keeps state between runs in one process (the group
        # sources' caches): it is compared with the nodeset program itself.
        expected = run(["nodeset"], args) if "-r" in args else clustershell(args)
        got = run(greenlight, args)
        if expected != got:
            failures.append((args, expected, got))
    for args in EXIT_CODE_ONLY:
        expected = clustershell(args)
        got = run(greenlight, args)
        if expected[1] != got[1]:
            failures.append((args, expected, got))
    for args, text in STDIN_CASES:
        expected = clustershell(args, text)
        got = run(greenlight, args, text)
        if expected != got:
            failures.append((args + ["<stdin>", text[:60]], expected, got))
        if run(["nodeset"], args, text) != expected:
            print("HARNESS stdin case %r differs from the nodeset program" % (args,))
            failures.append((args, expected, expected))
    cases += [args for args, _ in STDIN_CASES]
    # Random standard input, against the nodeset program itself: it reads
    # line ends as Python's text mode does.
    for _ in range(40):
        args, text = rand_stdin_case(rng)
        expected = run(["nodeset"], args, text)
        got = run(greenlight, args, text)
        if expected != got:
            failures.append((args + ["<stdin>", text[:60]], expected, got))
        cases.append(args)
    runs, digit_failures = digit_table_failures(greenlight)
    failures += digit_failures
    print("digits outside ASCII: %d runs, both ends refused, neighbours kept: %d differences"
          % (len(runs), len(digit_failures)))
    # The in-process harness must say what the real program says.
    harness_mismatch = []
    for args in GOLDEN + cases[len(GOLDEN):len(GOLDEN) + 150]:
        if "-r" in args:
            continue
        real = run(["nodeset"], args)
        if real != clustershell(args):
            harness_mismatch.append((args, real))
    for args, expected, got in failures[:25]:
        print("DIFF nodeset %r\n  clustershell rc=%d %r\n  greenlight   rc=%d %r" %
              (args, expected[1], expected[0][:300], got[1], got[0][:300]))
    for args, real in harness_mismatch[:5]:
        print("HARNESS nodeset %r: real program rc=%d %r" % (args, real[1], real[0][:200]))
    print("compared %d cases (%d golden, %d random, seed %d): %d differences; "
          "harness checked on %d cases against the nodeset program: %d mismatches" %
          (len(cases), len(GOLDEN), count, seed, len(failures), len(GOLDEN) + 150, len(harness_mismatch)))
    passed = len(cases) - len(failures)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures or harness_mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
