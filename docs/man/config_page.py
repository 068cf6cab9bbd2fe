#!/usr/bin/env python3
"""greenlight.yaml(5) from docs/config.md, the configuration reference.

usage: config_page.py CONFIG_MD OUTPUT VERSION

The page is the reference itself, never a copy kept by hand: its sections
become the page's sections, converted by go-md2man. Relative links lose
their target (a man page cannot follow them), and each table row becomes
an entry of a tagged list (as the options of a man page are), which reads
at any terminal width where a table of long cells would not.
"""
import re
import subprocess
import sys


def cells(row: str) -> list:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def table_entries(header: list, rows: list) -> list:
    out = []
    for row in rows:
        facts = "; ".join(f"{h}: {c}" for h, c in zip(header[1:-1], row[1:-1]))
        text = f"{row[-1]} ({facts})" if row[-1] and facts else row[-1] or facts
        out += [row[0], f": {text}", ""]
    return out


def markdown(reference: str, version: str) -> str:
    body = []
    in_code = False
    table = []
    for line in reference.split("\n") + [""]:
        if not in_code:
            line = re.sub(r"\[([^\]]+)\]\((?![a-z]+:)[^)]*\)", r"\1", line)
        if not in_code and line.startswith("|"):
            table.append(line)
            continue
        if table:
            body += table_entries(cells(table[0]), [cells(row) for row in table[2:]])
            table = []
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code:
            if line.startswith("# "):
                continue  # the title: NAME says it
            if re.match(r"^#{2,} ", line):
                line = line[1:]
        body.append(line)
    head = (
        f'% GREENLIGHT.YAML 5 "" "greenlight {version}" "greenlight manual"\n\n'
        "# NAME\n\ngreenlight.yaml - the site configuration of greenlight\n\n"
        "# DESCRIPTION\n"
    )
    tail = "\n# SEE ALSO\n\n**greenlight**(1), **groups.conf**(5)\n"
    return head + "\n".join(body) + tail


def main() -> None:
    source, output, version = sys.argv[1:4]
    with open(source, encoding="utf-8") as f:
        text = markdown(f.read(), version)
    roff = subprocess.run(["go-md2man"], input=text, capture_output=True, text=True, check=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write(roff.stdout)


if __name__ == "__main__":
    main()
