#!/usr/bin/env bash
# bench_graph.sh: graph + analysis + GraphML time and peak memory at 20,000
# and 100,000 synthetic papers (targets: 30 s; 3 min and 2 GiB), with the
# split of the time printed by tools/bench_graph.c.
#   tools/bench_graph.sh [BUILD]      (default build-rel, release)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-rel}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=release > /dev/null
ninja -C "$BUILD" tools/bench_graph > /dev/null
for n in 20000 100000; do
    echo "== $n papers"
    /usr/bin/time -f "wall %e s, cpu %U+%S s, peak memory %M KB" \
        "$BUILD/tools/bench_graph" "$n" /tmp/pg-bench-graph.graphml
done
rm -f /tmp/pg-bench-graph.graphml
