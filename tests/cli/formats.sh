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
note "--format auto, the default: each file read in the format its name says"
run --db "$WORK/auto.db" ingest "$F/bib_a.csv" "$F/bib_b.jsonl"
"$PAPERGRAPH" --db "$WORK/named.db" ingest --format csv "$F/bib_a.csv" > /dev/null 2>&1
"$PAPERGRAPH" --db "$WORK/named.db" ingest --format jsonl "$F/bib_b.jsonl" > /dev/null 2>&1
"$PAPERGRAPH" --db "$WORK/auto.db" export --what occurrences -o "$WORK/auto.csv"
"$PAPERGRAPH" --db "$WORK/named.db" export --what occurrences -o "$WORK/named.csv"
check "auto: the papers of --format csv and --format jsonl" \
    test "$(papers_of "$WORK/auto.csv")" = "$(papers_of "$WORK/named.csv")"
check "auto: as many entries" test "$(sql "$WORK/auto.db" 'select count(*) from occurrences')" = \
    "$(sql "$WORK/named.db" 'select count(*) from occurrences')"
check "auto: the files table says which format each was read in" \
    test "$(sql "$WORK/auto.db" 'select format from files order by id' | tr '\n' ' ')" = "csv jsonl "
note "a listing page on standard input, and --format listing on a .jsonl file"
run_stdin "$FIXTURES/listings/2025-09-03.txt" --db "$WORK/stdin.db" ingest --year 2025 -
run --db "$WORK/forced.db" ingest --format listing "$F/bib_b.jsonl"
run --db "$WORK/auto.db" ingest --format xml "$F/bib_b.jsonl"
finish
