#!/usr/bin/env bash
# bench_ingest.sh: ingest speed and memory on 100,000-entry synthetic corpora,
# as ratios against `cat` and `xxhsum` over the same files in the same run
# (machines here are noisy: compare ratios, not seconds).
#
#   tools/bench_ingest.sh [BIN] [WORKDIR]
#
# BIN defaults to build-rel/papergraph (built here, release, when missing).
# Two corpora, kept in WORKDIR (default /tmp/pg-bench) between runs:
#   variants  tools/gen_corpus.py --entries 100000 --seed 7: about 22,000
#             papers, and nearly every repeat is a variant (truncated, revised,
#             re-encoded), so most entries are new texts for the dedup stage;
#   exact     the same papers' canonical entries resampled into 100 days,
#             repeats byte-identical, as in the real listings.
# For each: a full ingest into a new database (time, peak memory, MB/s, ratio
# to cat), then one more day of 200 entries into that database.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build-rel/papergraph}
WORK=${2:-/tmp/pg-bench}
PY=/usr/bin/python3
if [ ! -x "$BIN" ]; then
    meson setup build-rel --buildtype=release >/dev/null
    ninja -C build-rel papergraph >/dev/null
    BIN=build-rel/papergraph
fi
mkdir -p "$WORK"
command -v xxhsum > /dev/null ||
    { echo "bench_ingest: xxhsum not found (tools/install-deps installs it)" >&2; exit 2; }

secs() { # secs CMD...: wall seconds of one run
    local t0 t1
    t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

if [ ! -d "$WORK/variants" ]; then
    $PY tools/gen_corpus.py --entries 100000 --seed 7 --out "$WORK/variants" > /dev/null
fi
if [ ! -d "$WORK/exact" ]; then
    rm -f "$WORK/canon.db"*
    "$BIN" --db "$WORK/canon.db" ingest --quiet --year 2025 "$WORK"/variants/*.txt > /dev/null
    "$BIN" --db "$WORK/canon.db" export --what papers --format listing -o "$WORK/canon.txt"
    $PY - "$WORK/canon.txt" "$WORK/exact" <<'PYEOF'
import os, random, re, sys
text = open(sys.argv[1], encoding='utf-8').read()

# Entries follow the 9-line header; each is title, abstract and an optional
# metadata block, separated by blank lines: split on the title lines.
paras = text.split('\n\n')[6:]
entries, cur = [], []
for p in paras:
    if cur and not p.startswith('  \u2022') and not p.startswith('\u00b7') and len(cur) >= 2:
        entries.append('\n\n'.join(cur)); cur = []
    cur.append(p)
if cur: entries.append('\n\n'.join(cur))
rnd = random.Random(11)
os.makedirs(sys.argv[2], exist_ok=True)
months = ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']
header = 'new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\n'
for d in range(100):
    day = '%s %d' % (months[d // 28 % 12], d % 28 + 1)
    pick = rnd.sample(entries, 1000)
    open(os.path.join(sys.argv[2], '%03d.txt' % d), 'w', encoding='utf-8').write(header + day + '\n\n' + '\n\n'.join(e.strip('\n') for e in pick) + '\n')
PYEOF
fi

# A 200-entry day: the first 200 entries of a corpus's last file.
make_day() {
    $PY - "$1" "$2" <<'PYEOF'
import sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
out, titles, i = [], 0, 0
# Header: 11 lines (5 boilerplate + blank lines + day label + blank).
out = lines[:12]
body = lines[12:]
n = 0
for j, l in enumerate(body):
    if l and j + 2 < len(body) and body[j + 1] == '' and len(body[j + 2]) > 400 and (j == 0 or body[j - 1] == ''):
        n += 1
        if n > 200:
            break
    out.append(l)
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(out) + '\n')
PYEOF
}

bench() { # bench NAME DIR
    local name=$1 dir=$2 files last mb cat_s xxh_s ing_s rss day_s
    files=$(ls "$dir"/*.txt | head -n -1)
    last=$(ls "$dir"/*.txt | tail -n 1)
    mb=$(cat $files | wc -c | awk '{printf "%.1f", $1 / 1e6}')
    cat $files > /dev/null
    cat_s=$(secs cat $files)
    xxh_s=$(secs xxhsum -H3 $files)
    rm -f "$WORK/$name.db"*
    local t0 t1
    t0=$(date +%s.%N)
    rss=$( { /usr/bin/time -f %M "$BIN" --db "$WORK/$name.db" ingest --quiet --year 2025 $files > /dev/null; } 2>&1 | tail -n 1)
    t1=$(date +%s.%N)
    ing_s=$(echo "$t1 - $t0" | bc -l)
    make_day "$last" "$WORK/$name-day.txt"
    day_s=$(secs "$BIN" --db "$WORK/$name.db" ingest --quiet --year 2025 "$WORK/$name-day.txt")
    local stats nfiles
    stats=$("$BIN" --db "$WORK/$name.db" stats --format json)
    nfiles=$(echo $files | wc -w)
    # A failed file must not pass for a fast one: every file must be in.
    if ! echo "$stats" | grep -q "\"files\":$((nfiles + 1)),"; then
        echo "$name: FAILED: not every file was ingested: $stats" >&2
        exit 1
    fi
    printf '%s: %s MB in %s files; %s\n' "$name" "$mb" "$(echo $files | wc -w)" "$stats"
    printf '  cat     %7.3f s\n  xxhsum  %7.3f s\n' "$cat_s" "$xxh_s"
    printf '  ingest  %7.3f s = %.1f MB/s, %.0fx cat, %.0fx xxhsum; peak memory %d MB\n' \
        "$ing_s" "$(echo "$mb / $ing_s" | bc -l)" "$(echo "$ing_s / $cat_s" | bc -l)" \
        "$(echo "$ing_s / $xxh_s" | bc -l)" "$((rss / 1024))"
    printf '  one more day of 200 entries into it: %.3f s\n' "$day_s"
}

echo "papergraph $("$BIN" --version | cut -d' ' -f2), $(nproc) cores, $(date -u +%Y-%m-%d)"
bench exact "$WORK/exact"
bench variants "$WORK/variants"
