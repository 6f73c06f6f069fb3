# errors: hostile and broken inputs never crash, hang or change earlier rows;
# files that cannot be read give a one-line error naming them and exit 1.
. "$CLI_DIR/lib.sh"
DB=$WORK/pg.db
E=$FIXTURES/errors
run --db "$DB" ingest --quiet --year 2025 "$FIXTURES/listings/2025-09-03.txt"
dump() { sql "$DB" "select f.path, o.line, o.day, hex(t.key), o.authors, o.upvotes, o.pub_date from occurrences o join files f on f.id = o.file_id join texts t on t.id = o.text_id order by o.file_id, o.line"; }
dump > "$WORK/before"
note "a binary file, a missing path, a directory: exit 1, one line each"
run --db "$DB" ingest "$E/binary.png"
run --db "$DB" ingest "$WORK/missing.txt"
run --db "$DB" ingest "$WORK"
note "one bad file among good ones: the good ones are still ingested"
run --db "$DB" ingest --year 2025 "$WORK/missing.txt" "$FIXTURES/listings/2025-09-04.txt"
note "empty, header-only, invalid bytes: read, with warnings where due"
: > "$WORK/empty.txt"
run --db "$DB" ingest --year 2025 "$WORK/empty.txt" "$E/header-only.txt" "$E/invalid-bytes.txt"
note "a single 64 MiB line with no newline"
head -c 67108864 /dev/zero | tr '\0' 'a' > "$WORK/long.txt"
run --db "$DB" ingest --year 2025 "$WORK/long.txt"
rm -f "$WORK/long.txt"
check "integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
dump | head -n "$(wc -l < "$WORK/before")" > "$WORK/after"
check "earlier rows unchanged" cmp "$WORK/before" "$WORK/after"
note "--db naming something that is not a papergraph database: exit 3, untouched"
printf 'just some notes\n' > "$WORK/notes.txt"
cp "$WORK/notes.txt" "$WORK/notes.orig"
run --db "$WORK/notes.txt" stats
check "text file untouched" cmp "$WORK/notes.txt" "$WORK/notes.orig"
check "no -wal left beside it" test ! -e "$WORK/notes.txt-wal"
sqlite3 "$WORK/other.db" 'create table t(x); insert into t values (1);'
cp "$WORK/other.db" "$WORK/other.orig"
run --db "$WORK/other.db" ingest --year 2025 "$FIXTURES/listings/2025-09-03.txt"
check "other database untouched" cmp "$WORK/other.db" "$WORK/other.orig"
run --db "$WORK" stats
finish
