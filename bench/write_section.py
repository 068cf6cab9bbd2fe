"""Puts one section into bench/RESULTS.md: the section starting with the same
'## ' heading line is replaced (up to the next '## ' heading or the end), or
the section is appended when it is not there yet. The section is taken
verbatim (no regular-expression escapes are interpreted in it).

Usage: write_section.py RESULTS.md SECTION_TEXT | @FILE
"""
import re
import sys

path, section = sys.argv[1], sys.argv[2]
if section.startswith("@"):
    section = open(section[1:]).read()
section = section.strip("\n") + "\n"
heading = section.splitlines()[0]
if not heading.startswith("## "):
    sys.exit("write_section.py: the section must start with a '## ' heading, not %r" % heading)
text = open(path).read()
pattern = re.compile("^" + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda _: section + "\n", text, count=1)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text.rstrip("\n") + "\n")
