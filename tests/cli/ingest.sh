# ingest: the bundled listings go in once; running again changes nothing.
. "$CLI_DIR/lib.sh"
L=$FIXTURES/listings
run --db "$WORK/pg.db" ingest --year 2025 "$L/2025-09-03.txt" "$L/2025-09-04.txt" "$L/2025-09-05.txt"
run --db "$WORK/pg.db" stats
note "the same files again, one under another name: nothing changes"
cp "$L/2025-09-04.txt" "$WORK/copy.txt"
run --db "$WORK/pg.db" ingest --year 2025 "$L/2025-09-03.txt" "$WORK/copy.txt"
run --db "$WORK/pg.db" stats
check "integrity_check ok" test "$(sql "$WORK/pg.db" 'pragma integrity_check')" = ok
check "16 occurrence rows" test "$(sql "$WORK/pg.db" 'select count(*) from occurrences')" = 16
note "standard input, --quiet, and the environment's database"
run_stdin "$L/2025-09-05.txt" ingest --quiet --year 2025 -
run stats --format json
note "--threads 1 and 2: the same lines, warnings and database"
for n in 1 2; do
    run --db "$WORK/t$n.db" ingest --threads $n --year 2025 "$FIXTURES/parser/damaged.txt" \
        "$FIXTURES/errors/invalid-bytes.txt" "$L/2025-09-03.txt" "$L/2025-09-04.txt"
    "$PAPERGRAPH" --db "$WORK/t$n.db" export --what occurrences -o "$WORK/t$n-occ.csv"
    "$PAPERGRAPH" --db "$WORK/t$n.db" export --what papers -o "$WORK/t$n-papers.csv"
done
check "same occurrences" cmp "$WORK/t1-occ.csv" "$WORK/t2-occ.csv"
check "same papers" cmp "$WORK/t1-papers.csv" "$WORK/t2-papers.csv"
note "options"
run ingest --year 25 "$L/2025-09-03.txt"
run ingest --format xml "$L/2025-09-03.txt"
run ingest --threads 4 "$L/2025-09-03.txt"
run ingest
run ingest --help
finish
