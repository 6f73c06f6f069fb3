# writers: two ingests writing into one database at once both succeed, and
# the papers are those of one ingest of the same files.  Each writer keeps
# state of its own between and within its transactions (the texts it knows
# stored, the papers and matches of the open transaction, the band index's
# pending level); the other's commits must reach it all the same.
. "$CLI_DIR/lib.sh"
L=$FIXTURES/listings
D=$FIXTURES/dedup
papers() { # DB: each text (by key) and its paper, sorted
    sql "$1" "select hex(t.key) || ' ' || c.paper_id from texts t join clusters c on c.text_id = t.id order by 1"
}
note "one writer: every file"
run --db "$WORK/one.db" ingest --quiet --year 2025 "$L"/*.txt "$D"/day1.txt "$D"/day2.txt "$D"/sibling.txt
papers "$WORK/one.db" > "$WORK/one.papers"
check "the single writer placed every text" test "$(wc -l < "$WORK/one.papers")" = \
    "$(sql "$WORK/one.db" 'select count(*) from texts')"
for round in 1 2 3 4; do
    DB=$WORK/two$round.db
    # Half the files each; the second writer one file per transaction, so
    # that the two interleave.
    "$PAPERGRAPH" --db "$DB" ingest --quiet --year 2025 "$L"/2025-09-03.txt "$L"/2025-09-05.txt \
        "$D"/day1.txt > "$WORK/a.out" 2>&1 &
    a=$!
    for f in "$L"/2025-09-04.txt "$L"/2025-09-08.txt "$D"/day2.txt "$D"/sibling.txt; do
        "$PAPERGRAPH" --db "$DB" ingest --quiet --year 2025 "$f" >> "$WORK/b.out" 2>&1 || echo WRITER-FAILED >> "$WORK/b.out"
    done
    wait $a
    sa=$?
    check "round $round: the first writer succeeded" test "$sa" = 0
    check "round $round: the second writer succeeded" test "$(grep -c WRITER-FAILED "$WORK/b.out")" = 0
    papers "$DB" > "$WORK/two.papers"
    check "round $round: the same papers as one writer" cmp "$WORK/one.papers" "$WORK/two.papers"
    check "round $round: the same occurrences" test "$(sql "$DB" 'select count(*) from occurrences')" = \
        "$(sql "$WORK/one.db" 'select count(*) from occurrences')"
    check "round $round: no dangling reference" test -z "$(sql "$DB" 'pragma foreign_key_check')"
    check "round $round: integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
    rm -f "$WORK/b.out"
done
finish
