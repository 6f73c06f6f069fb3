# papers: near-duplicates merged into papers; repeats, show, why, dedup and
# the papers export, whose listing form reads back as the same papers.
. "$CLI_DIR/lib.sh"
L=$FIXTURES/listings
DB=$WORK/pg.db
run --db "$DB" ingest --quiet --year 2025 "$L/2025-09-03.txt" "$L/2025-09-04.txt" "$L/2025-09-05.txt" "$L/2025-09-08.txt"
run --db "$DB" stats
note "repeats: papers seen on several days, most days first"
run --db "$DB" repeats
run --db "$DB" repeats --min-days 3 --format csv
run --db "$DB" repeats --min-days 4 --format jsonl
note "the merged listing"
run --db "$DB" export --what papers --format csv
run --db "$DB" export --what papers --format jsonl -o "$WORK/papers.jsonl"
check "papers.jsonl: 12 JSON objects with url arrays" /usr/bin/python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert len(rows)==12 and all(isinstance(r['urls'],list) for r in rows)" "$WORK/papers.jsonl"
run --db "$DB" export --what papers --format listing -o "$WORK/merged.txt"
run --db "$WORK/round.db" ingest --year 2025 "$WORK/merged.txt"
"$PAPERGRAPH" --db "$DB" export --what papers --format csv | cut -d, -f2 | sort > "$WORK/titles.a"
"$PAPERGRAPH" --db "$WORK/round.db" export --what papers --format csv | cut -d, -f2 | sort > "$WORK/titles.b"
check "the listing export reads back as the same 12 papers" cmp "$WORK/titles.a" "$WORK/titles.b"
note "order of ingestion changes nothing"
run --db "$WORK/rev.db" ingest --quiet --year 2025 "$L/2025-09-08.txt" "$L/2025-09-05.txt" "$L/2025-09-04.txt" "$L/2025-09-03.txt"
"$PAPERGRAPH" --db "$DB" export --what papers > "$WORK/p.a"
"$PAPERGRAPH" --db "$WORK/rev.db" export --what papers > "$WORK/p.b"
check "same papers, ids and canonical records in reverse order" cmp "$WORK/p.a" "$WORK/p.b"
"$PAPERGRAPH" --db "$DB" export --what occurrences | cut -d, -f2- > "$WORK/o.a"
"$PAPERGRAPH" --db "$WORK/rev.db" export --what occurrences | cut -d, -f2- > "$WORK/o.b"
check "same occurrence rows in reverse order" cmp "$WORK/o.a" "$WORK/o.b"
note "show: by paper id and by FILE:LINE"
run --db "$DB" show 33016f7ea9929b36
run --db "$DB" show 2025-09-08.txt:21
run --db "$DB" show 0000000000000000
run --db "$DB" show nosuch.txt:3
note "why: a revised version, a truncated copy, a generic title, a related paper"
run --db "$DB" why 2025-09-03.txt:29 2025-09-08.txt:29
run --db "$DB" why 2025-09-03.txt:13 2025-09-08.txt:13
run --db "$DB" why 2025-09-03.txt:37 2025-09-08.txt:37
run --db "$DB" why 2025-09-03.txt:45 2025-09-08.txt:45
run --db "$DB" why 2025-09-03.txt:29 2025-09-04.txt:29
run --db "$DB" why 2025-09-03.txt:29
run --db "$DB" why 2025-09-03.txt 2025-09-04.txt:29
note "dedup: recompute, with stricter and default settings"
run --db "$DB" dedup
run --db "$DB" dedup --threshold 0.95 --revised 0.9
run --db "$DB" why 2025-09-03.txt:29 2025-09-08.txt:29
run --db "$DB" dedup --defaults
run --db "$DB" dedup --threshold 2
check "integrity_check ok" test "$(sql "$DB" 'pragma integrity_check')" = ok
finish
