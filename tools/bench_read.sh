#!/usr/bin/env bash
# bench_read.sh: the commands that read a large store back (stats, repeats,
# export --what papers, export --what occurrences, show, new), timed against
# a previous binary on the same database, the two alternately for ROUNDS
# rounds (the machine is shared: compare the best of the rounds), and their
# outputs compared byte for byte.
#   tools/bench_read.sh [BUILD] [DB] [BEFORE] [ROUNDS]
#   (defaults: build-rel, /tmp/pg-bench/variants1m.new.db, /tmp/pg-prev, 2)
# The default DB is the million-entry store tools/bench_ingest.sh leaves
# with BENCH_1M=1; any papergraph database will do.  Each binary reads its
# own copy: a newer papergraph migrates the schema when it opens a database,
# which an older one then refuses to read.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-rel}
DB=${2:-/tmp/pg-bench/variants1m.new.db}
BEFORE=${3:-/tmp/pg-prev}
ROUNDS=${4:-2}
[ -f "$DB" ] || { echo "bench_read: no database $DB" >&2; exit 1; }
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release > /dev/null
ninja -C "$BUILD" papergraph > /dev/null
NOW=$BUILD/papergraph
T=$(mktemp -d /tmp/pg-bench-read.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp "$DB" "$T/now.db"
"$NOW" --db "$T/now.db" stats > /dev/null
have_before=0
if [ -x "$BEFORE" ]; then
    cp "$DB" "$T/before.db"
    "$BEFORE" --db "$T/before.db" stats > /dev/null && have_before=1
fi
# The paper seen on most days, and the last day it was seen.
top=$("$NOW" --db "$T/now.db" repeats --format csv | sed -n 2p)
paper=$(echo "$top" | cut -d, -f1)
day=$(echo "$top" | cut -d, -f5)
cmds=("stats" "repeats" "repeats --min-days 5 --format csv"
      "export --what papers --format csv" "export --what occurrences --format csv"
      "show $paper" "new --day $day")

# run BIN DBFILE OUT CMD... : one run of CMD, its output into OUT; prints
# "seconds KB".
run() {
    local bin=$1 db=$2 out=$3; shift 3
    /usr/bin/time -f "%e %M" -o "$T/time" "$bin" --db "$db" "$@" > "$out" 2> /dev/null ||
        echo "bench_read: $bin $* failed" >&2
    tail -n 1 "$T/time"
}
printf '%-40s %10s %10s %8s  %s\n' command now before ratio output
for c in "${cmds[@]}"; do
    read -r -a argv <<< "$c"
    best_now=""; best_before=""; mem_now=0
    for _ in $(seq "$ROUNDS"); do
        read -r s kb <<< "$(run "$NOW" "$T/now.db" "$T/now.out" "${argv[@]}")"
        if [ -z "$best_now" ] || awk "BEGIN{exit !($s < $best_now)}"; then best_now=$s; fi
        mem_now=$kb
        if [ $have_before = 1 ]; then
            read -r s _ <<< "$(run "$BEFORE" "$T/before.db" "$T/before.out" "${argv[@]}")"
            if [ -z "$best_before" ] || awk "BEGIN{exit !($s < $best_before)}"; then
                best_before=$s
            fi
        fi
    done
    same="-"
    ratio="-"
    if [ $have_before = 1 ]; then
        cmp -s "$T/now.out" "$T/before.out" && same="same" || same="DIFFERS"
        ratio=$(awk "BEGIN{printf \"%.2fx\", $best_now / ($best_before > 0 ? $best_before : 0.01)}")
    fi
    printf '%-40s %9ss %9ss %8s  %s, %s bytes, %s KB peak\n' "$c" "$best_now" \
        "${best_before:--}" "$ratio" "$same" "$(wc -c < "$T/now.out")" "$mem_now"
done
