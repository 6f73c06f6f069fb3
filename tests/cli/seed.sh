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
for f in papers.txt papers.csv repeats.txt repeats.csv graph.graphml graph-nodes.csv graph-edges.csv graph.svg graph.png report.txt report.json new.md; do
    check "run wrote $f" test -s "$WORK/out/$f"
done
# The daily digest of Sep 8 against the 7 days before (Sep 1 to 7, of which
# only Sep 3 is a listing day): exactly the papers of Sep 8 not on Sep 3, all
# new; the expected set is computed from the occurrences, not by `new`.
"$PAPERGRAPH" --db "$DB" export --what occurrences --format csv -o "$WORK/occ.csv"
"$PAPERGRAPH" --db "$DB" new --day 2025-09-08 --window 7 --format csv -o "$WORK/new.csv"
check "new --day 2025-09-08 --window 7: the papers of Sep 8 not on Sep 3, all new" $PY -c "
import csv,sys
occ=list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
d8={r['paper_id'] for r in occ if r['day']=='2025-09-08'}
d3={r['paper_id'] for r in occ if r['day']=='2025-09-03'}
assert not any('2025-09-01'<=r['day']<='2025-09-07' and r['day']!='2025-09-03' for r in occ)
want=d8-d3
assert 0<len(want)<len(d8), (len(want), len(d8))
rows=list(csv.DictReader(open(sys.argv[2], encoding='utf-8')))
got=[r['paper_id'] for r in rows]
assert len(got)==len(set(got)) and set(got)==want, (sorted(set(got)^want))
assert all(r['status']=='new' for r in rows)
print(len(want))" "$WORK/occ.csv" "$WORK/new.csv"
check "integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
cat "$TRANSCRIPT"
if grep -q 'check FAILED' "$TRANSCRIPT"; then exit 1; fi
exit 0
