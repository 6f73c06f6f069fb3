#!/usr/bin/env bash
# same_db.sh: do two papergraph binaries write the same databases?
#
#   tools/same_db.sh OLD_BIN NEW_BIN [LISTINGS_DIR] [BENCH_WORKDIR]
#
# Ingests the seed listings (default ../shared/listings, else fixtures/listings)
# and, when present, both tools/bench_ingest.sh corpora (BENCH_WORKDIR, default
# /tmp/pg-bench: run bench_ingest.sh once to make them) with each binary into
# fresh databases and compares them table by table with tools/compare_db.py.
# Exits 1 at any difference.
set -eu
cd "$(dirname "$0")/.."
OLD=$1; NEW=$2
LIST=${3:-../shared/listings}
[ -d "$LIST" ] || LIST=fixtures/listings
WORK=${4:-/tmp/pg-bench}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
status=0
one() { # one NAME FILES...
    local name=$1; shift
    "$OLD" --db "$TMP/$name-old.db" ingest --quiet --year 2025 "$@" > /dev/null 2>&1 || true
    "$NEW" --db "$TMP/$name-new.db" ingest --quiet --year 2025 "$@" > /dev/null 2>&1 || true
    echo "== $name"
    python3 tools/compare_db.py "$TMP/$name-old.db" "$TMP/$name-new.db" || status=1
}
one seeds "$LIST"/*.txt
for c in exact variants; do
    if [ -d "$WORK/$c" ]; then one "$c" "$WORK/$c"/*.txt; else echo "== $c: no corpus in $WORK (skipped)"; fi
done
exit $status
