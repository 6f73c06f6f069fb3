# stats: counts of an empty and of a filled database, as text and JSON.
. "$CLI_DIR/lib.sh"
note "an empty database: an ingest whose only file is missing creates it"
run --db "$WORK/empty.db" ingest --quiet "$WORK/missing.txt"
run --db "$WORK/empty.db" stats
run --db "$WORK/empty.db" stats --format json
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$FIXTURES"/listings/*.txt
run --db "$WORK/pg.db" stats
run stats --db "$WORK/pg.db" --format json
run stats --format yaml
run stats extra
finish
