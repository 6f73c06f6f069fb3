# robust: what must hold whatever the input or the disk: mutated pages never
# crash or hang the reader; hostile text stays well-formed in every output
# format; a full disk gives a clear error and leaves the database as it was.
. "$CLI_DIR/lib.sh"
PY=/usr/bin/python3
DB=$WORK/pg.db
L=$FIXTURES/listings

note "150 randomly damaged listing pages (seed 17): no crash, no hang"
$PY "$CLI_DIR/mutate.py" 17 150 "$WORK/mut" "$L"/*.txt "$FIXTURES/parser"/*.txt
crashed=0
for f in "$WORK"/mut/*.txt; do
    timeout 60 "$PAPERGRAPH" --db "$DB" ingest --quiet --year 2025 "$f" > /dev/null 2> "$WORK/.mut-err"
    st=$?
    if [ "$st" -gt 3 ]; then
        crashed=$((crashed + 1)); echo "$(basename "$f"): exit $st" >> "$TRANSCRIPT"
        head -5 "$WORK/.mut-err" | scrub >> "$TRANSCRIPT"
    fi
done
check "no damaged page made papergraph crash or hang ($crashed did)" test "$crashed" = 0
check "integrity_check ok after 150 damaged pages" test "$(sql "$DB" 'pragma integrity_check')" = ok
check "every page is a file row or was refused" test "$(sql "$DB" 'select count(*) <= 150 and count(*) > 0 from files')" = 1
rm -rf "$WORK/mut"

note "hostile text: markup, quotes, control characters, invalid UTF-8, U+2028"
run --db "$WORK/h.db" run --year 2025 -o "$WORK/out" "$FIXTURES/hostile/hostile.txt" "$L"/*.txt
check "GraphML well-formed" xmllint --noout "$WORK/out/graph.graphml"
check "SVG well-formed" xmllint --noout "$WORK/out/graph.svg"
check "report.json parses" $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/out/report.json"
check "papers.csv: one row per paper plus the header" $PY -c '
import csv, sqlite3, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
n = sqlite3.connect(sys.argv[2]).execute("select count(distinct paper_id) from clusters").fetchone()[0]
sys.exit(0 if len(rows) == n + 1 and all(len(r) == len(rows[0]) for r in rows) else 1)' "$WORK/out/papers.csv" "$WORK/h.db"
check "occurrences as JSON lines parse" sh -c "\"$PAPERGRAPH\" --db \"$WORK/h.db\" export --what occurrences --format jsonl | $PY -c 'import json,sys; [json.loads(l) for l in sys.stdin]'"
check "the script tag is escaped in GraphML" sh -c "! grep -q '<script>' '$WORK/out/graph.graphml'"

note "a full disk: a clear error, the database as it was"
if unshare -rm true 2> /dev/null; then
    cp "$L/2025-09-03.txt" "$L/2025-09-04.txt" "$WORK/"
    $PY -c '
import sys
src = open(sys.argv[1], encoding="utf-8").read().split("\n\n")
head, body = src[:6], src[6:]
out = []
for i in range(3000):
    out += [p.replace("Spiking", "Spiking %d" % i, 1) if j == 0 else p for j, p in enumerate(body[:2])]
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(head + out) + "\n")' "$L/2025-09-08.txt" "$WORK/big.txt"
    unshare -rm bash -c '
        set -u; D=$1/disk; mkdir -p "$D"; mount -t tmpfs -o size=1536k tmpfs "$D" || exit 90
        "$2" --db "$D/pg.db" ingest --quiet --year 2025 "$1/2025-09-03.txt" > /dev/null 2>&1 || exit 91
        sqlite3 -readonly "$D/pg.db" "select count(*) from occurrences" > "$1/before-count"
        "$2" --db "$D/pg.db" ingest --quiet --year 2025 "$1/big.txt" > /dev/null 2> "$1/full-err"
        echo $? > "$1/full-status"
        sqlite3 -readonly "$D/pg.db" "select count(*) from occurrences" > "$1/after-count"
        sqlite3 -readonly "$D/pg.db" "pragma integrity_check" > "$1/after-check"
    ' _ "$WORK" "$PAPERGRAPH"
    st=$?
    check "the small disk was mounted and the first ingest fit (status $st)" test "$st" = 0
    check "ingest onto a full disk fails (status $(cat "$WORK/full-status" 2> /dev/null))" \
        test "$(cat "$WORK/full-status" 2> /dev/null)" -ne 0
    check "with a one-line error naming the database that says the disk is full" sh -c \
        "test \$(wc -l < '$WORK/full-err') = 1 && grep -q 'pg.db: .*full' '$WORK/full-err'"
    check "the database holds what it held before" cmp "$WORK/before-count" "$WORK/after-count"
    check "and is sound" test "$(cat "$WORK/after-check" 2> /dev/null)" = ok
else
    note "unshare -rm is not available: full-disk case not run"
fi
finish
