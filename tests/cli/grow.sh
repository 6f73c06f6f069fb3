# grow: a page read again under the same path (today's page at noon, then at
# night with more entries) adds only the entries not already recorded for
# that path and day; a today.txt overwritten with another day's page keeps
# every earlier day; nothing recorded is removed.
. "$CLI_DIR/lib.sh"
G=$FIXTURES/grow
occ() { sql "$1" "select o.day || ' ' || t.title || ' ' || coalesce(o.upvotes, '-') from occurrences o join texts t on t.id = o.text_id order by o.day, t.title, o.file_id, o.line"; }
for n in 1 2; do
    note "--threads $n: noon's page (3 entries), then night's (6: B twice, D and E new)"
    DB=$WORK/t$n.db
    cp "$G/noon.txt" "$WORK/today.txt"
    run --db "$DB" ingest --threads $n --year 2025 "$WORK/today.txt"
    cp "$G/night.txt" "$WORK/today.txt"
    run --db "$DB" ingest --threads $n --year 2025 "$WORK/today.txt"
    check "night added D, E and B's second listing only" \
        test "$(sql "$DB" 'select count(*) from occurrences')" = 6
    note "the same bytes again: skipped"
    run --db "$DB" ingest --threads $n --year 2025 "$WORK/today.txt"
    note "overwritten with the next day's page: all of it is new for that day"
    cp "$G/next-day.txt" "$WORK/today.txt"
    run --db "$DB" ingest --threads $n --year 2025 "$WORK/today.txt"
    run --db "$DB" stats
    occ "$DB" > "$WORK/occ$n"
    check "Sep 9 keeps its 6 occurrences" \
        test "$(sql "$DB" "select count(*) from occurrences where day = '2025-09-09'")" = 6
    check "integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
done
check "the same occurrences with 1 and 2 threads" cmp "$WORK/occ1" "$WORK/occ2"
note "every occurrence (day, title, upvotes): noon's upvotes are kept"
run -- cat "$WORK/occ1"
note "another path is another page: noon's page as a.txt, night's as b.txt, all counted"
mkdir "$WORK/run"
cp "$G/noon.txt" "$WORK/run/a.txt"
cp "$G/night.txt" "$WORK/b.txt"
run --db "$WORK/one.db" ingest --year 2025 "$WORK/run/a.txt" "$WORK/b.txt"
note "then a.txt grows into night's page: compared with a.txt's entries only"
printf '\n' | cat "$G/night.txt" - > "$WORK/run/a.txt"
run --db "$WORK/one.db" ingest --year 2025 "$WORK/run/a.txt"
check "9 + 3 occurrences" test "$(sql "$WORK/one.db" 'select count(*) from occurrences')" = 12
note "standard input is never compared: it names no file"
run_stdin "$G/noon.txt" --db "$WORK/stdin.db" ingest --year 2025 -
run_stdin "$G/night.txt" --db "$WORK/stdin.db" ingest --year 2025 -
finish
