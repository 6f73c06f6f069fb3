#!/usr/bin/env python3
"""bench_floor.py: what the stored form costs by itself.

    tools/bench_floor.py DB [--groups N] [--rounds N] [--sqlite3 PATH] [--terse]

DB is a store an ingest wrote (tools/bench_ingest.sh leaves one per corpus,
/tmp/pg-bench/<corpus>.new.db).  The script writes the rows that ingest left
into a new database with the same schema and pragmas (WAL, synchronous
NORMAL, a 256 MiB cache, 8 KiB pages), file by file in the order the ingest
read them, in N transactions (default: one per 64 MiB of input, as `ingest`
groups its commits), with the `sqlite3` shell's INSERT ... SELECT: no
statement per row from C, no dedup, no reading of listings.  It prints the
fastest round's wall and CPU time (user + system of the `sqlite3` process);
with --terse only the two numbers, as tools/bench_ingest.sh reads them.

That is a floor under any ingest that stores the same rows through SQLite on
one writing thread: the ingest's own wall time can come near it only when
everything else (reading, preparing, dedup) runs beside the writes.  What it
leaves out makes it a floor, not an estimate: the band index's pending rows
and the merges that rewrite its buckets (only the final buckets are written),
the placing's updates, the statements' binding.

Exit status: 0, or 1 when DB cannot be read or `sqlite3` fails.
"""
import argparse
import os
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
]


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def build_script(src_path, groups):
    """The replay as one SQL script, and the number of transactions."""
    src = sqlite3.connect("file:%s?mode=ro" % src_path, uri=True)
    files = src.execute(
        "SELECT f.id, f.size, (SELECT max(text_id) FROM occurrences WHERE file_id = f.id)"
        " FROM files AS f ORDER BY f.id").fetchall()
    schema = [r[0] for r in src.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND type IN ('table', 'index', 'view') ORDER BY rowid")]
    src.close()
    if not files:
        raise ValueError("%s holds no files" % src_path)
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
    out = ["PRAGMA page_size = 8192;", "PRAGMA journal_mode = WAL;",
           "PRAGMA synchronous = NORMAL;", "PRAGMA cache_size = -262144;",
           "PRAGMA secure_delete = OFF;"]
    out += [s + ";" for s in schema]
    out.append("ATTACH %s AS o;" % sql_literal(src_path))
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


def run_once(sqlite3_bin, script):
    with tempfile.TemporaryDirectory(prefix="pg-floor-") as d:
        db = os.path.join(d, "floor.db")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        p = subprocess.run([sqlite3_bin, "-bail", db], input=script, text=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            raise RuntimeError("sqlite3 failed: %s" % p.stderr.strip().splitlines()[-1:])
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--groups", type=int, default=0,
                    help="transactions (default: one per 64 MiB of input)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sqlite3", default="sqlite3")
    ap.add_argument("--terse", action="store_true",
                    help="print only the fastest round's wall and CPU seconds")
    a = ap.parse_args()
    if not os.path.exists(a.db):
        print("bench_floor: %s: no such file" % a.db, file=sys.stderr)
        return 1
    try:
        script, commits = build_script(os.path.abspath(a.db), a.groups)
        runs = [run_once(a.sqlite3, script) for _ in range(max(1, a.rounds))]
    except (sqlite3.Error, ValueError, RuntimeError, OSError) as e:
        print("bench_floor: %s: %s" % (a.db, e), file=sys.stderr)
        return 1
    wall, cpu, size = min(runs)
    if a.terse:
        print("%.3f %.3f" % (wall, cpu))
        return 0
    print("bench_floor: %s: the rows written again in %d transactions: %.2f s wall,"
          " %.2f s CPU (fastest of %d: %s), %.1f MB"
          % (a.db, commits, wall, cpu, len(runs),
             ", ".join("%.2f" % r[0] for r in runs), size / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
