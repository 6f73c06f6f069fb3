#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer targets and runs each for a while.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 600); TARGETs among listing, jsonl, csv,
# normalize (default all four), run one after the other under nice(1).
# The targets are built with clang, AddressSanitizer and UBSan in
# build-fuzz (meson -Dfuzzing=true; needs clang and libclang-rt-14-dev).
# Each starts from its seeds (fixtures/fuzz/TARGET, never written to) and
# its dictionary (fixtures/fuzz/TARGET.dict), and keeps going after a
# finding (libFuzzer's fork mode).  Everything goes under one folder,
# $FUZZ_OUT or build-fuzz/runs/DATE-TIME, printed at the start:
#   TARGET/corpus/     inputs that found new coverage (reused by a later
#                      run that names the same FUZZ_OUT)
#   TARGET/findings/   crash-*, leak-*, timeout-*, oom-*: each one input to
#                      reproduce with `build-fuzz/tests/fuzz_TARGET FILE`
#   TARGET.log         libFuzzer's output
# Ends with a table: runs, corpus size and findings per target.  Exits 1
# when there is a finding, 2 when the build fails.
set -u
cd "$(dirname "$0")/.." || exit 2
SECS=${1:-600}
shift $(( $# > 0 ? 1 : 0 ))
TARGETS=${*:-listing jsonl csv normalize}
BUILD=${FUZZ_BUILD:-build-fuzz}
OUT=${FUZZ_OUT:-$BUILD/runs/$(date -u +%Y%m%d-%H%M%S)}

case $SECS in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a number" >&2; exit 2;; esac
command -v clang > /dev/null || { echo "fuzz.sh: clang not found" >&2; exit 2; }
if [ ! -f "$BUILD/build.ninja" ]; then
    CC=clang nice meson setup "$BUILD" -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false > /dev/null || { echo "fuzz.sh: meson setup failed" >&2; exit 2; }
fi
for t in $TARGETS; do
    nice ninja -C "$BUILD" "tests/fuzz_$t" > /dev/null ||
        { echo "fuzz.sh: building fuzz_$t failed" >&2; exit 2; }
done
mkdir -p "$OUT"
echo "fuzz.sh: $SECS s per target, findings under $OUT"

for t in $TARGETS; do
    mkdir -p "$OUT/$t/corpus" "$OUT/$t/findings"
    seeds=fixtures/fuzz/$t
    extra=
    # The normaliser also learns from real-looking abstracts.
    [ "$t" = normalize ] && extra=fixtures/fuzz/listing
    echo "fuzz.sh: fuzz_$t ..."
    # -fork=1 with -ignore_*: a finding is saved and fuzzing goes on.
    # LeakSanitizer stays on; the allocator limit makes a runaway input an
    # "oom" finding rather than a dead machine.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    nice "$BUILD/tests/fuzz_$t" "$OUT/$t/corpus" "$seeds" $extra \
        -dict="fixtures/fuzz/$t.dict" \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="$OUT/$t/findings/" -print_final_stats=1 \
        > "$OUT/$t.log" 2>&1
done

# Fork mode reports "#RUNS: cov: N ft: N corp: N exec/s N ..." as it goes.
printf '\n%-10s %12s %8s %9s\n' target runs corpus findings
found=0
for t in $TARGETS; do
    runs=$(grep -o '^#[0-9]*: cov' "$OUT/$t.log" | tail -1 | tr -dc '0-9')
    corpus=$(find "$OUT/$t/corpus" -type f | wc -l)
    findings=$(find "$OUT/$t/findings" -type f | wc -l)
    found=$((found + findings))
    printf '%-10s %12s %8s %9s\n' "$t" "${runs:-?}" "$corpus" "$findings"
done
echo "fuzz.sh: logs and findings in $OUT"
[ "$found" -eq 0 ]
