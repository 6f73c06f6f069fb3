#!/usr/bin/env python3
"""man_check.py: the manual page and the program's --help must agree.

Usage: man_check.py PAPERGRAPH MANPAGE

Every command of `papergraph --help` has a subsection in COMMANDS and no
other command has one; for each command, every long option its --help names
appears in its subsection of the man page (or in GRAPH OPTIONS when its help
lists the graph options), and every long option of its subsection appears in
its --help.  The global options (--db, --help, --version) are in OPTIONS.
Prints each disagreement and exits 1 when there is one.
"""
import re
import subprocess
import sys

GLOBAL = {"--db", "--help", "--version"}
OPTION = re.compile(r"--[a-z][a-z-]*[a-z]")


def roff_text(src):
    """The words of a roff source: escapes and requests reduced to text."""
    lines = []
    for line in src.splitlines():
        if line.startswith('.\\"'):
            continue
        line = re.sub(r"\\f[BIRP]", "", line)
        line = line.replace("\\-", "-").replace("\\(mu", "x")
        line = re.sub(r'^\.(B|I|BI|IB|BR|RB|IR|RI)\s+', "", line)
        line = line.replace('"', "")
        lines.append(line)
    return lines


def sections(lines):
    """{('SH'|'SS', name): [lines]} in order of appearance."""
    out, key = {}, None
    for line in lines:
        m = re.match(r"^\.(SH|SS)\s+(.*)$", line)
        if m:
            key = (m.group(1), m.group(2).strip())
            out[key] = []
        elif key is not None:
            out[key].append(line)
    return out


def options(text):
    return set(OPTION.findall(text))


def helptext(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("man_check: %s %s exited %d" % (binary, " ".join(args), r.returncode))
    return r.stdout


def main():
    binary, manpage = sys.argv[1], sys.argv[2]
    with open(manpage, encoding="utf-8") as f:
        secs = sections(roff_text(f.read()))
    problems = []
    main_help = helptext(binary, "--help")
    commands = re.findall(r"^  ([a-z]+)\s", main_help.split("Commands:", 1)[1], re.M)
    man_commands = [name for (kind, name) in secs if kind == "SS"]
    for c in commands:
        if c not in man_commands:
            problems.append("command %s: not in the man page" % c)
    for c in man_commands:
        if c not in commands:
            problems.append("man page section %s: not a command of --help" % c)
    for o in sorted(options(main_help)):
        if o not in options("\n".join(secs.get(("SH", "OPTIONS"), []))):
            problems.append("global option %s: not in the man page's OPTIONS" % o)
    graph_opts = options("\n".join(secs.get(("SH", "GRAPH OPTIONS"), [])))
    for c in commands:
        if c not in man_commands:
            continue
        h = helptext(binary, c, "--help")
        help_opts = options(h) - GLOBAL
        man_text = "\n".join(secs[("SS", c)])
        man_opts = options(man_text) - GLOBAL
        shared = graph_opts if "GRAPH OPTIONS" in h else set()
        if ("GRAPH OPTIONS" in h) != ("GRAPH OPTIONS" in man_text):
            problems.append("%s: GRAPH OPTIONS in only one of --help and the man page" % c)
        for o in sorted(help_opts - man_opts - shared):
            problems.append("%s %s: in --help, not in the man page" % (c, o))
        for o in sorted(man_opts - help_opts):
            problems.append("%s %s: in the man page, not in --help" % (c, o))
    for p in problems:
        print("man_check: " + p)
    if not problems:
        print("man_check: %d commands agree with the man page" % len(commands))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
