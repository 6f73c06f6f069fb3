#!/usr/bin/env bash
# bench_graph.sh: graph + analysis + GraphML (`papergraph graph -o`, no
# layout) on papers read back from a store built from the variant-heavy
# corpus (tools/bench_ingest.sh's /tmp/pg-bench/variants/*.txt: 73,537
# texts), timed against a previous binary on the same database, the two
# alternately for ROUNDS rounds (the machine is shared: compare CPU seconds
# and the best of the rounds, not wall time); then 100,000 synthetic papers
# (tools/bench_graph.c), for which no store of that size exists, likewise
# against a previous build's bench_graph when one is given.
#   tools/bench_graph.sh [BUILD] [DB] [BEFORE] [BEFORE_BENCH] [ROUNDS]
#   (defaults: build-rel, /tmp/pg-bench/variants.db, /tmp/pg-prev, none, 2)
# A missing DB is made by ingesting /tmp/pg-bench/variants/*.txt with BUILD's
# papergraph.
# BENCH_100K=1 also times BUILD's `graph -o` on about 100,000 papers read
# back from a store: /tmp/pg-bench/v450.db, made when missing from
# `gen_corpus.py --entries 450000 --seed 11` (790 MB in /tmp/pg-bench/v450;
# about 2 minutes to generate and 1 to ingest).
# Targets (issue 14): 20,000 papers >= 10x faster than before, < 500 MB;
# 100,000 papers < 15 s, < 2 GiB.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-rel}
DB=${2:-/tmp/pg-bench/variants.db}
BEFORE=${3:-/tmp/pg-prev}
BEFORE_BENCH=${4:-}
ROUNDS=${5:-2}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release > /dev/null
ninja -C "$BUILD" papergraph tools/bench_graph > /dev/null
T=$(mktemp -d /tmp/pg-bench-graph.XXXXXX)
trap 'rm -rf "$T"' EXIT
if [ ! -f "$DB" ]; then
    echo "== making $DB from /tmp/pg-bench/variants/*.txt"
    "$BUILD/papergraph" --db "$DB" ingest --quiet --year 2025 /tmp/pg-bench/variants/*.txt > /dev/null
fi
# A copy for each binary: a newer papergraph migrates the schema when it
# opens a database, which an older one then refuses to read.  The copy for
# BUILD is migrated once before the timed runs, as a user's would be.
cp "$DB" "$T/before.db"
cp "$DB" "$T/now.db"
"$BUILD/papergraph" --db "$T/now.db" stats > /dev/null
best() { sort -n | head -1; }
measure() {     # NAME BIN: one run; appends "cpu peak_kB" to $T/NAME.runs
    /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$2" --db "$T/$1.db" graph -o "$T/$1.graphml"
    read -r wall user sys kb < "$T/time"
    cpu=$(echo "$user + $sys" | bc)
    echo "$cpu $kb" >> "$T/$1.runs"
    printf "%-8s wall %6.2f s  cpu %6.2f s  peak %5d MB  %s edges\n" "$1" "$wall" "$cpu" \
        $((kb / 1024)) "$(grep -c '<edge ' "$T/$1.graphml")"
}
echo "== $(sqlite3 "$T/now.db" 'select count(distinct paper_id) from clusters') papers read back from $DB"
for r in $(seq "$ROUNDS"); do
    [ -x "$BEFORE" ] && measure before "$BEFORE"
    measure now "$BUILD/papergraph"
done
NC=$(cut -d' ' -f1 "$T/now.runs" | best)
if [ -x "$BEFORE" ]; then
    BC=$(cut -d' ' -f1 "$T/before.runs" | best)
    echo "best cpu: before $BC s, now $NC s: $(echo "scale=1; $BC / $NC" | bc)x less"
    # Same graph: every attribute but PageRank's last digits (see README, Graph).
    if cmp -s <(sed 's/key="pagerank">[^<]*</P/' "$T/before.graphml") \
              <(sed 's/key="pagerank">[^<]*</P/' "$T/now.graphml"); then
        echo "GraphML: the same but for PageRank's last digits"
    elif cmp -s <(sed 's/key="pagerank">[^<]*</P/; s/key="betweenness">[^<]*</B/' "$T/before.graphml") \
                <(sed 's/key="pagerank">[^<]*</P/; s/key="betweenness">[^<]*</B/' "$T/now.graphml"); then
        echo "GraphML: the same but for PageRank's last digits and betweenness"
    else
        echo "GraphML: differs from before"
    fi
fi
echo "== 100000 synthetic papers (tools/bench_graph.c): build (defaults) + GraphML"
syn() {         # NAME BIN
    # The first two lines are all that is compared; an older bench_graph
    # goes on with more builds, stopped by the closed pipe.
    /usr/bin/time -f "%M" -o "$T/time" stdbuf -oL "$2" 100000 "$T/syn.graphml" \
        | awk -v n="$1" '/^build \(defaults\)/ { print n, $0 } /^graphml/ { print n, $0; exit }' \
        || true
    echo "$1 peak $(( $(cat "$T/time") / 1024 )) MB"
}
for r in $(seq "$ROUNDS"); do
    [ -n "$BEFORE_BENCH" ] && syn before "$BEFORE_BENCH"
    syn now "$BUILD/tools/bench_graph"
done
if [ "${BENCH_100K:-0}" = 1 ]; then
    BIG=/tmp/pg-bench/v450.db
    if [ ! -f "$BIG" ]; then
        echo "== making $BIG (gen_corpus.py --entries 450000 --seed 11, then ingest)"
        [ -d /tmp/pg-bench/v450 ] ||
            python3 tools/gen_corpus.py --entries 450000 --seed 11 --out /tmp/pg-bench/v450 > /dev/null
        "$BUILD/papergraph" --db "$BIG" ingest --quiet --year 2025 /tmp/pg-bench/v450/*.txt > /dev/null
    fi
    echo "== $(sqlite3 "$BIG" 'select count(distinct paper_id) from clusters') papers read back from $BIG"
    cp "$BIG" "$T/big.db"
    "$BUILD/papergraph" --db "$T/big.db" stats > /dev/null
    for r in $(seq "$ROUNDS"); do
        measure big "$BUILD/papergraph"
    done
fi
