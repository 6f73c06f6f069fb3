#!/usr/bin/env python3
"""bench_floor.py: what the stored form costs by itself.

    tools/bench_floor.py DB [--groups N] [--rounds N] [--sqlite3 PATH] [--terse]

DB is a store an ingest wrote (tools/bench_ingest.sh runs this on the store
each bulk run of the new build leaves, before its one more day).  The script
writes the rows that ingest left into a new database beside DB, with the
schema and the pragmas an ingest sets (8 KiB pages, WAL, synchronous NORMAL,
a 256 MiB cache, an automatic checkpoint every 16,384 pages, statement
journals in memory), file by file in the order the ingest read them, in N
transactions (default: one per 64 MiB of input, as `ingest` groups its
commits), with the `sqlite3` shell's INSERT ... SELECT: no statement per row
from C, no dedup, no reading of listings.  It prints the fastest round's
wall and CPU time (user + system of the `sqlite3` process), and beside it
the time of the same SELECTs into tables in memory without indexes: an
upper bound on what reading the source costs the replay (DB is read once
before, so that it comes from the page cache).

That is close to a floor under any ingest that stores the same rows through
SQLite on one writing thread, with two differences: the replay also reads
its source (the second figure), and its checkpoints run on its one thread,
where an ingest runs them on a thread of their own.  What it leaves out
makes it a floor: the band index's merges that rewrite its buckets (only
the final buckets and the pending rows are written), the placing's updates,
the statements' binding.  With --terse it prints only the three numbers
(replay wall, replay CPU, reading wall), as tools/bench_ingest.sh reads them.

Exit status: 0, or 1 when DB cannot be read or `sqlite3` fails.
"""
import argparse
import os
import pathlib
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time

GROUP_BYTES = 64 << 20      # PG_INGEST_GROUP_BYTES

TABLES_BY_TEXT = [
    # (table, the column that names its text's id): one row per placed text
    ("clusters", "text_id"),
    ("band_sets", "text_id"),
    ("band_pending", "text_id"),
]

# As src/store/db.c sets them for an ingest (db.h: PGS_WAL_AUTOCHECKPOINT).
PRAGMAS = ["PRAGMA page_size = 8192;", "PRAGMA journal_mode = WAL;",
           "PRAGMA synchronous = NORMAL;", "PRAGMA cache_size = -262144;",
           "PRAGMA secure_delete = OFF;", "PRAGMA temp_store = MEMORY;",
           "PRAGMA journal_size_limit = 67108864;",
           "PRAGMA wal_autocheckpoint = 16384;"]


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def build_script(src_path, groups, reading=False):
    """The replay as one SQL script, and the number of transactions.  With
    reading, the same SELECTs into tables in memory without indexes."""
    uri = pathlib.Path(src_path).as_uri() + "?mode=ro"
    src = sqlite3.connect(uri, uri=True)
    try:
        files = src.execute(
            "SELECT f.id, f.size, (SELECT max(text_id) FROM occurrences WHERE file_id = f.id)"
            " FROM files AS f ORDER BY f.id").fetchall()
        schema = src.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND type IN ('table', 'index', 'view') ORDER BY rowid").fetchall()
    finally:
        src.close()
    if not files:
        raise ValueError("holds no files")
    # Files into groups: by count when asked, else by input bytes as ingest.
    cut = []
    if groups:
        per = (len(files) + groups - 1) // groups
        cut = [i % per == per - 1 for i in range(len(files))]
    else:
        acc = 0
        for _, size, _ in files:
            acc += size or 0
            cut.append(acc >= GROUP_BYTES)
            if acc >= GROUP_BYTES:
                acc = 0
    cut[-1] = True
    out = ["ATTACH %s AS o;" % sql_literal(uri)]
    if reading:
        out += ["PRAGMA main.journal_mode = OFF;", "PRAGMA temp_store = MEMORY;"]
        out += ["CREATE TABLE main.%s AS SELECT * FROM o.%s WHERE 0;" % (name, name)
                for kind, name, _ in schema if kind == "table"]
    else:
        out = PRAGMAS + [sql + ";" for _, _, sql in schema] + out
    lo, opened, commits = 0, False, 0
    for (fid, _, top), last in zip(files, cut):
        hi = max(lo, top or 0)
        if not opened:
            out.append("BEGIN;")
            opened = True
        rng = "%d AND %d" % (lo + 1, hi)
        out.append("INSERT INTO main.files SELECT * FROM o.files WHERE id = %d;" % fid)
        out.append("INSERT INTO main.texts SELECT * FROM o.texts WHERE id BETWEEN %s;" % rng)
        out.append("INSERT INTO main.text_urls SELECT u.* FROM o.texts AS t"
                   " JOIN o.text_urls AS u ON u.text_key = t.key WHERE t.id BETWEEN %s;" % rng)
        out.append("INSERT INTO main.occurrences SELECT * FROM o.occurrences"
                   " WHERE file_id = %d;" % fid)
        out.append("INSERT INTO main.file_days SELECT * FROM o.file_days"
                   " WHERE file_id = %d;" % fid)
        for table, col in TABLES_BY_TEXT:
            out.append("INSERT INTO main.%s SELECT * FROM o.%s WHERE %s BETWEEN %s;"
                       % (table, table, col, rng))
        # a < b always (CHECK): a match is written with its later text.
        out.append("INSERT INTO main.matches SELECT * FROM o.matches WHERE b BETWEEN %s;" % rng)
        if last:
            if fid == files[-1][0]:
                out.append("INSERT INTO main.band_buckets SELECT * FROM o.band_buckets;")
                out.append("INSERT INTO main.settings SELECT * FROM o.settings;")
            out.append("COMMIT;")
            opened = False
            commits += 1
        lo = hi
    return "\n".join(out) + "\n", commits


def run_once(sqlite3_bin, script, where, in_memory=False):
    """(wall, CPU, bytes written) of one run of script by the shell."""
    with tempfile.TemporaryDirectory(prefix="pg-floor-", dir=where) as d:
        db = ":memory:" if in_memory else os.path.join(d, "floor.db")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run([sqlite3_bin, "-bail", db], input=script, text=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            lines = p.stderr.strip().splitlines()
            raise RuntimeError("sqlite3 failed: %s" % (lines[-1] if lines else p.returncode))
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, size


def warm(path):
    """Reads path once, so that the runs read it from the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--groups", type=int, default=0,
                    help="transactions (default: one per 64 MiB of input)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sqlite3", default="sqlite3")
    ap.add_argument("--terse", action="store_true",
                    help="print only the replay's wall and CPU and the reading's wall seconds")
    a = ap.parse_args()
    if a.groups < 0 or a.rounds < 1:
        ap.error("--groups must be 0 or more and --rounds 1 or more")
    if not os.path.isfile(a.db):
        print("bench_floor: %s: no such file" % a.db, file=sys.stderr)
        return 1
    path = os.path.abspath(a.db)
    where = os.path.dirname(path)
    try:
        script, commits = build_script(path, a.groups)
        reading, _ = build_script(path, a.groups, reading=True)
        warm(path)
        runs = [run_once(a.sqlite3, script, where) for _ in range(a.rounds)]
        reads = [run_once(a.sqlite3, reading, where, in_memory=True) for _ in range(a.rounds)]
    except (sqlite3.Error, ValueError, RuntimeError, OSError) as e:
        print("bench_floor: %s: %s" % (a.db, e), file=sys.stderr)
        return 1
    wall, cpu, size = min(runs)
    read_wall = min(r[0] for r in reads)
    if a.terse:
        print("%.3f %.3f %.3f" % (wall, cpu, read_wall))
        return 0
    print("bench_floor: %s: the rows written again in %d transactions: %.2f s wall,"
          " %.2f s CPU (fastest of %d: %s), %.1f MB; of which reading them at most %.2f s"
          % (a.db, commits, wall, cpu, len(runs),
             ", ".join("%.2f" % r[0] for r in runs), size / 1e6, read_wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
