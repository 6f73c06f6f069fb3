# dedup_rules: the evidence behind revised versions, and what must stay apart.
#   day1/day2: a revised version under the same specific title (abstract
#   rewritten), a re-titled version sharing its coined name, and generic or
#   short titles ("Editorial", "Reward Models") over different abstracts;
#   sibling: a model and its -VL variant sharing sentences, and one title
#   used again in another year; named1/named2: a short title with a coined
#   name over a rewritten abstract; reworded1/reworded2: a reworded title over
#   a rewritten abstract, which the rules would merge but the index never
#   brings together (`why` says so).
. "$CLI_DIR/lib.sh"
D=$FIXTURES/dedup
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$D/day1.txt" "$D/day2.txt" "$D/sibling.txt"
run --db "$WORK/pg.db" stats
note "a revised version with the same title: same-specific-title"
run --db "$WORK/pg.db" why "$D/day1.txt:13" "$D/day2.txt:13"
note "a re-titled version with a coined name: retitled-shared-name"
run --db "$WORK/pg.db" why "$D/day1.txt:21" "$D/day2.txt:21"
note "generic and short titles stay apart"
run --db "$WORK/pg.db" why "$D/day1.txt:29" "$D/day2.txt:29"
run --db "$WORK/pg.db" why "$D/day1.txt:37" "$D/day2.txt:37"
note "a model and its -VL variant, one title in two years: apart"
run --db "$WORK/pg.db" why "$D/sibling.txt:13" "$D/sibling.txt:21"
run --db "$WORK/pg.db" why "$D/sibling.txt:29" "$D/sibling.txt:37"
note "reverse order and a full dedup give the same papers"
"$PAPERGRAPH" --db "$WORK/rev.db" ingest --quiet --year 2025 "$D/sibling.txt" "$D/day2.txt" "$D/day1.txt"
check_same_papers "$WORK/pg.db" "$WORK/rev.db"
check "10 papers" test "$(sql "$WORK/pg.db" 'select count(distinct paper_id) from clusters')" = 10
note "a short title with a coined name, the abstract rewritten: one paper, which"
note "the sketch test must not rule out unread (same-specific-title)"
"$PAPERGRAPH" --db "$WORK/named.db" ingest --quiet --year 2025 "$D/named1.txt" "$D/named2.txt" > /dev/null
run --db "$WORK/named.db" why "$D/named1.txt:13" "$D/named2.txt:13"
check "named short title: 1 paper" test "$(sql "$WORK/named.db" 'select count(distinct paper_id) from clusters')" = 1
note "a reworded title over a rewritten abstract: no band and no title key in"
note "common, so never compared; why tells that from other settings"
"$PAPERGRAPH" --db "$WORK/reworded.db" ingest --quiet --year 2025 "$D/reworded1.txt" "$D/reworded2.txt" > /dev/null
run --db "$WORK/reworded.db" why "$D/reworded1.txt:14" "$D/reworded2.txt:14"
never_compared() {
    "$PAPERGRAPH" --db "$WORK/reworded.db" why --format json "$D/reworded1.txt:14" \
        "$D/reworded2.txt:14" | grep -q '"same":true.*"candidates":false'
}
check "reworded: the rules merge, the index never compares" never_compared
finish
