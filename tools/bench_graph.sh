#!/usr/bin/env bash
# bench_graph.sh: graph + analysis + GraphML on papers read back from a store
# (default: the variant-heavy corpus's database made by tools/bench_ingest.sh,
# 22,319 papers from 73,537 texts), timed against a previous binary on the
# same database in the same run (one run each: the machine is shared, so
# compare the ratio, not the seconds); then 100,000 synthetic papers
# (tools/bench_graph.c), for which no store of that size exists.
#   tools/bench_graph.sh [BUILD] [DB] [BEFORE]
#   (defaults: build-rel, /tmp/pg-bench/variants.db, /tmp/pg-before)
# Targets (issue 14): 20,000 papers >= 10x faster than before, < 500 MB;
# 100,000 papers < 15 s, < 2 GiB.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-rel}
DB=${2:-/tmp/pg-bench/variants.db}
BEFORE=${3:-/tmp/pg-before}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release > /dev/null
ninja -C "$BUILD" papergraph tools/bench_graph > /dev/null
T=$(mktemp -d /tmp/pg-bench-graph.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp "$DB" "$T/g.db"          # graph only reads, but leave the original alone
measure() {     # NAME BIN -> prints a line, sets WALL CPU
    /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$2" --db "$T/g.db" graph -o "$T/$1.graphml"
    read -r wall user sys kb < "$T/time"
    WALL=$wall
    CPU=$(echo "$user + $sys" | bc)
    printf "%-8s wall %6.2f s  cpu %6.2f s  peak %5d MB  %s edges\n" "$1" "$wall" "$CPU" \
        $((kb / 1024)) "$(grep -c '<edge ' "$T/$1.graphml")"
}
echo "== $(sqlite3 "$T/g.db" 'select count(distinct paper_id) from clusters') papers read back from $DB"
if [ -x "$BEFORE" ]; then
    measure before "$BEFORE"
    BW=$WALL BC=$CPU
fi
measure now "$BUILD/papergraph"
if [ -x "$BEFORE" ]; then
    echo "ratio    wall $(echo "scale=1; $BW / $WALL" | bc)x  cpu $(echo "scale=1; $BC / $CPU" | bc)x faster"
fi
echo "== 100000 synthetic papers (tools/bench_graph.c)"
/usr/bin/time -f "wall %e s, cpu %U+%S s, peak memory %M KB" \
    "$BUILD/tools/bench_graph" 100000 "$T/syn.graphml"
