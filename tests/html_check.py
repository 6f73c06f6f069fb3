#!/usr/bin/python3
"""html_check.py: loads a graph.html in headless Chromium and checks that the
page runs without a console error and draws every paper (the page writes the
number of papers drawn into <body data-drawn=...> after drawing).  Also checks
that the page asks for nothing over the network (no http(s) URL in it).

    html_check.py PAGE.html N_PAPERS
Exit 0 ok, 1 failed, 77 (skip) when no chromium is installed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    page, want = sys.argv[1], int(sys.argv[2])
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no chromium: skipped")
        return 77
    text = open(page, encoding="utf-8").read()
    if re.search(r"https?://", text):
        print("FAIL: the page names a network URL")
        return 1
    with tempfile.TemporaryDirectory() as prof:
        p = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
             "--window-size=1200,900", "--dump-dom", "file://" + os.path.abspath(page)],
            capture_output=True, text=True, timeout=120)
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    errors = [l for l in console if "Uncaught" in l or "Error" in l]
    m = re.search(r'<body[^>]*data-drawn="(\d+)"', p.stdout)
    ok = True
    if errors:
        print("FAIL: console errors:\n  " + "\n  ".join(errors))
        ok = False
    if m is None:
        print("FAIL: the page did not report drawing (no data-drawn)")
        ok = False
    elif int(m.group(1)) != want:
        print(f"FAIL: drew {m.group(1)} papers, expected {want}")
        ok = False
    if ok:
        print(f"ok: {want} papers drawn, no console error")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
