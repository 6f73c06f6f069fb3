# boilerplate: abstracts that open with the same boilerplate sentence (a
# workshop's required preamble) are each other's candidates, since they
# share their opening words; their sketches tell that neither is a prefix
# of another and that they share too little, so they are ruled out unread;
# a copy cut after 60 words is ruled out against a paper whose title shares
# no word with its own (sketch version 3) and still found the same as its
# paper.
. "$CLI_DIR/lib.sh"
D=$FIXTURES/boilerplate
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$D/day1.txt"
note "the three papers apart, and the cut copy against one of the others, ruled out by their sketches; the cut copy verified and merged"
run --db "$WORK/pg.db" dedup
note "two papers under one preamble: different"
run --db "$WORK/pg.db" why "$D/day1.txt:13" "$D/day1.txt:21"
note "the copy cut after 60 words: the same paper"
run --db "$WORK/pg.db" why "$D/day1.txt:13" "$D/day1.txt:37"
check "3 papers" test "$(sql "$WORK/pg.db" 'select count(distinct paper_id) from clusters')" = 3
finish
