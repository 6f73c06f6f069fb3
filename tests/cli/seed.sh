# seed: the acceptance checks on the five real listings of ../shared, when
# they are there (skipped otherwise: the suite must pass without them).
. "$CLI_DIR/lib.sh"
SEED=${SEED_LISTINGS:-$CLI_DIR/../../../shared/listings}
if ! ls "$SEED"/*.txt > /dev/null 2>&1; then
    echo "skipped: no seed listings at $SEED"
    exit 77
fi
PY=/usr/bin/python3
DB=$WORK/seed.db
"$PAPERGRAPH" --db "$DB" run --year 2025 -o "$WORK/out" "$SEED"/*.txt > /dev/null
stats=$("$PAPERGRAPH" --db "$DB" stats --format json)
check "384 occurrences, 246 papers: $stats" $PY -c "
import json,sys; s=json.loads(sys.argv[1]); assert s['occurrences']==384 and s['papers']==246, s" "$stats"
"$PAPERGRAPH" --db "$DB" ingest --year 2025 "$SEED"/*.txt > /dev/null
check "ingesting again leaves 384" test "$("$PAPERGRAPH" --db "$DB" stats --format json | $PY -c 'import json,sys; print(json.load(sys.stdin)["occurrences"])')" = 384
size_db=$(stat -c %s "$DB"); size_in=$(cat "$SEED"/*.txt | wc -c)
check "database ($size_db bytes) smaller than the listings ($size_in)" test "$size_db" -lt "$size_in"
check "82 papers seen on two or more days" test "$("$PAPERGRAPH" --db "$DB" repeats --format csv | tail -n +2 | wc -l)" = 82
check "GraphML: 246 nodes with label, community, pagerank; pagerank sums to 1; weights > 0" \
    $PY "$CLI_DIR/../graphml_check.py" --nodes 246 "$WORK/out/graph.graphml"
for f in papers.txt papers.csv repeats.txt repeats.csv graph.graphml graph-nodes.csv graph-edges.csv graph.svg graph.png report.txt report.json; do
    check "run wrote $f" test -s "$WORK/out/$f"
done
check "integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
cat "$TRANSCRIPT"
if grep -q 'check FAILED' "$TRANSCRIPT"; then exit 1; fi
exit 0
