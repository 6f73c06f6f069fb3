# revised: evidence for real revised versions beyond shared sentences, and
# what must stay apart on titles and metadata alone.
#   day1/day2: a revised version under the same title whose abstract was
#   rewritten sentence by sentence (few shingles kept, most of its
#   vocabulary), and a version whose subtitle was reworded ("Estuary Mapping
#   and Harbour Dredging" became "Estuaries and Harbours").
#   records.jsonl (no abstracts): a tutorial and the paper by a larger team,
#   one team's paper under a title with a word replaced, a surname misspelt
#   by one catalogue, and a recurring column by one author.
. "$CLI_DIR/lib.sh"
D=$FIXTURES/revised
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$D/day1.txt" "$D/day2.txt"
run --db "$WORK/pg.db" ingest --quiet --format jsonl "$D/records.jsonl"
note "the same title over a rewritten abstract: the vocabulary it keeps tips the score"
run --db "$WORK/pg.db" why "$D/day1.txt:13" "$D/day2.txt:13"
note "a reworded subtitle: reworded-title"
run --db "$WORK/pg.db" why "$D/day1.txt:21" "$D/day2.txt:21"
note "a tutorial and its paper by a larger team: apart"
run --db "$WORK/pg.db" why records.jsonl:1 records.jsonl:2
note "one team's whole author list over a replaced word: title+team"
run --db "$WORK/pg.db" why records.jsonl:3 records.jsonl:4
note "a surname one letter apart is the same author"
run --db "$WORK/pg.db" why records.jsonl:5 records.jsonl:6
note "a generic title by one author in a periodical stays apart"
run --db "$WORK/pg.db" why records.jsonl:7 records.jsonl:8
note "reverse order and a full dedup give the same papers"
"$PAPERGRAPH" --db "$WORK/rev.db" ingest --quiet --format jsonl "$D/records.jsonl" > /dev/null 2>&1
"$PAPERGRAPH" --db "$WORK/rev.db" ingest --quiet --year 2025 "$D/day2.txt" "$D/day1.txt" > /dev/null 2>&1
check_same_papers "$WORK/pg.db" "$WORK/rev.db"
check "8 papers" test "$(sql "$WORK/pg.db" 'select count(distinct paper_id) from clusters')" = 8
finish
