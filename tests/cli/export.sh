# export: occurrences as CSV and JSON lines, to stdout and to a file.
. "$CLI_DIR/lib.sh"
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$FIXTURES/listings/2025-09-03.txt" "$FIXTURES/listings/2025-09-04.txt" "$FIXTURES/listings/2025-09-05.txt"
run --db "$WORK/pg.db" export --what occurrences --format csv
run --db "$WORK/pg.db" export --what occurrences --format jsonl -o "$WORK/occ.jsonl"
check "jsonl has 16 lines" test "$(wc -l < "$WORK/occ.jsonl")" = 16
check "jsonl lines parse as JSON" /usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$WORK/occ.jsonl"
note "paper ids do not depend on ingestion order"
run --db "$WORK/rev.db" ingest --quiet --year 2025 "$FIXTURES/listings/2025-09-05.txt" "$FIXTURES/listings/2025-09-04.txt" "$FIXTURES/listings/2025-09-03.txt"
"$PAPERGRAPH" --db "$WORK/pg.db" export --what occurrences > "$WORK/a.csv"
"$PAPERGRAPH" --db "$WORK/rev.db" export --what occurrences > "$WORK/b.csv"
check "same rows whatever the order" cmp "$WORK/a.csv" "$WORK/b.csv"
note "an empty database (made by an ingest whose only file is missing) still has a header row"
run --db "$WORK/empty.db" ingest --quiet "$WORK/missing.txt"
run --db "$WORK/empty.db" export --what occurrences
note "errors"
run --db "$WORK/pg.db" export --what occurrences -o "$WORK/no/such/dir/out.csv"
run --db "$WORK/pg.db" export --what things
run --db "$WORK/pg.db" export --what occurrences --format xml
run --db "$WORK/pg.db" export
finish
