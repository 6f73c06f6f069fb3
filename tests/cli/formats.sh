# formats: bibliographic records as CSV and JSON lines, merged across sources
# on title and metadata; Latin-1 input; records that cannot be used.
. "$CLI_DIR/lib.sh"
F=$FIXTURES/formats
DB=$WORK/pg.db
run --db "$DB" ingest --format csv "$F/bib_a.csv"
run --db "$DB" ingest --format jsonl "$F/bib_b.jsonl"
run --db "$DB" stats
note "each paper with the ids it has in both sources"
"$PAPERGRAPH" --db "$DB" export --what occurrences --format csv > "$WORK/occ.csv"
run -- /usr/bin/python3 -c "
import csv,sys,collections
g=collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])): g[r['paper_id']].append(r['ext_id'])
for ids in sorted(sorted(v) for v in g.values()): print(' '.join(ids))" "$WORK/occ.csv"
run --db "$DB" why bib_a.csv:2 bib_b.jsonl:1
run --db "$DB" why bib_a.csv:6 bib_b.jsonl:5
run --db "$DB" why bib_a.csv:7 bib_b.jsonl:6
note "Latin-1 bytes: repaired with a warning, or read right with --encoding latin1"
run --db "$WORK/l1.db" ingest --format csv "$F/latin1.csv"
run --db "$WORK/l2.db" ingest --format csv --encoding latin1 "$F/latin1.csv"
run --db "$WORK/l2.db" export --what occurrences --format jsonl
run --db "$WORK/l2.db" ingest --encoding ebcdic "$F/latin1.csv"
note "unusable input"
run --db "$DB" ingest --format csv "$F/no_title.csv"
run --db "$DB" ingest --format jsonl "$F/records.jsonl"
finish
