# readonly: the commands that only read never create a database; without
# one they say which they looked for and how to name one.  `run` names its
# database, and the follow-up commands of the README work with it.
. "$CLI_DIR/lib.sh"
note "no database anywhere: the default ./papergraph.db is looked for, not made"
for args in "stats" "repeats" "show 0123456789abcdef" "why a.txt:1 b.txt:2" \
            "export --what papers" "report" "graph" "dedup"; do
    # shellcheck disable=SC2086
    run -- env -u PAPERGRAPH_DB "$PAPERGRAPH" $args
done
check "no database was created" test ! -e "$WORK/papergraph.db"
note "named by \$PAPERGRAPH_DB or --db, and missing"
run stats
check "no database at \$PAPERGRAPH_DB" test ! -e "$WORK/default.db"
run --db "$WORK/nowhere.db" show 0123456789abcdef
run show --db "$WORK/nowhere.db" 0123456789abcdef
check "no database at --db" test ! -e "$WORK/nowhere.db"
note "an empty file is not a database to read (and is left as it was)"
: > "$WORK/empty.db"
run --db "$WORK/empty.db" stats
check "the empty file stays empty" test ! -s "$WORK/empty.db"
note "a directory"
run --db "$WORK" stats
note "run names its database; the README's follow-up commands use it"
run -- env -u PAPERGRAPH_DB "$PAPERGRAPH" run --year 2025 -o out "$FIXTURES"/listings/2025-09-03.txt "$FIXTURES"/listings/2025-09-08.txt
check "run's database is out/papergraph.db" test -s "$WORK/out/papergraph.db"
run -- env -u PAPERGRAPH_DB "$PAPERGRAPH" --db out/papergraph.db repeats
run -- env -u PAPERGRAPH_DB "$PAPERGRAPH" --db out/papergraph.db why 2025-09-03.txt:13 2025-09-08.txt:13
run -- env -u PAPERGRAPH_DB "$PAPERGRAPH" --db out/papergraph.db stats
check "still no ./papergraph.db" test ! -e "$WORK/papergraph.db"
note "ingest creates the database it is told to"
run --db "$WORK/new.db" ingest --quiet --year 2025 "$FIXTURES"/listings/2025-09-05.txt
run --db "$WORK/new.db" stats
finish
