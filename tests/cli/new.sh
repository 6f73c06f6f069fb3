# new: the daily digest over fixtures/digest, four listing pages:
#   Jun 2   P (tactile gloves)
#   Jul 25  A (speech routing), B (toxicity), C (warmup), D (grid faults),
#           L (spreadsheet QA, code link), U (endoscopic depth, code link),
#           W (river floods, no metadata), T (token merging, code link)
#   Jul 31  A again
#   Aug 1   A byte-identical; B a cosmetic variant (case, double space,
#           entities for quotes and hyphen); C a revised abstract (two new
#           sentences) and 5 authors instead of 4; D a new title; L another
#           code link; U its link respelled (http, GitHub.com, .git); W
#           byte-identical; T cut off ("...") before its link; P back after
#           two months; E, F, G unseen.
. "$CLI_DIR/lib.sh"
DIG=$FIXTURES/digest
DB=$WORK/pg.db
PY=/usr/bin/python3
RNG=$CLI_DIR/../rss2.rng
run --db "$DB" ingest --quiet --year 2025 "$DIG"/*.txt

note "window 7 (Jul 25 to Jul 31): P, E, F, G new; D (title), L (links), C (abstract, authors) updated;"
note "A and W (repeats), B (cosmetic), U (link respelled), T (cut off) not listed"
run --db "$DB" new
out=$("$PAPERGRAPH" --db "$DB" new --format csv)
check "window 7: the exact repeat, the cosmetic repeat, the respelled link, the cut-off repeat are not listed" \
    $PY -c "import sys; t=sys.argv[1]; assert all(s not in t for s in ('Sparse Mixture', 'Counterfactual', 'COUNTERFACTUAL', 'Endoscopic', 'River Floods', 'Token Merging')), t" "$out"
check "window 7: the paper last seen on Jun 2 is new" $PY -c "
import csv,io,sys; r={x['title']:x for x in csv.DictReader(io.StringIO(sys.argv[1]))}
e=r['Tactile Sensing Gloves for Learning Dexterous Grasps']; assert e['status']=='new' and e['first_day']=='2025-06-02', e" "$out"
check "window 7: revised abstract and new title updated with what changed" $PY -c "
import csv,io,sys; r={x['title']:x for x in csv.DictReader(io.StringIO(sys.argv[1]))}
c=r['Learning Rate Warmup Explained by Loss Curvature']; assert c['status']=='updated' and c['changed']=='abstract authors' and 10<=int(c['abstract_changed_pct'])<=40, c
d=r['Graph Neural Networks for Fast Fault Localisation in Power Grids']; assert d['status']=='updated' and d['changed']=='title' and d['abstract_changed_pct']=='', d" "$out"

note "window 1 (Jul 31 only): everything but A is new, as nothing else was listed on Jul 31"
run --db "$DB" new --window 1
note "window 60 (Jun 2 to Jul 31): P was seen on Jun 2 and is a plain repeat"
run --db "$DB" new --window 60 --day 2025-08-01
run --db "$DB" new --format md
run --db "$DB" new --format jsonl
out=$("$PAPERGRAPH" --db "$DB" new --format jsonl)
check "jsonl: one JSON object a line, with paper_id, title, status, first_day, changed" $PY -c "
import json,sys
rows=[json.loads(l) for l in sys.argv[1].splitlines()]
assert len(rows)==7 and [r['status'] for r in rows]==['new']*4+['updated']*3, rows
for r in rows: assert set(r)>={'paper_id','title','status','first_day','changed'} and isinstance(r['changed'], list)" "$out"
run --db "$DB" new --format csv
run --db "$DB" new --format rss -o "$WORK/new.rss"
run -- cat "$WORK/new.rss"
check "rss validates against the RSS 2.0 structure (tests/rss2.rng)" xmllint --noout --relaxng "$RNG" "$WORK/new.rss"
sed '0,/<guid/{/<guid/d}' "$WORK/new.rss" > "$WORK/noguid.rss"
check "the schema refuses an item without guid" test "$(xmllint --noout --relaxng "$RNG" "$WORK/noguid.rss" 2>&1 | grep -c 'fails to validate')" = 1
check "rss: one guid per item, all distinct" test "$(grep -c '<guid' "$WORK/new.rss")" = "$(grep '<guid' "$WORK/new.rss" | sort -u | wc -l)"
cp "$WORK/new.rss" "$WORK/first.rss"
"$PAPERGRAPH" --db "$DB" new --format rss -o "$WORK/new.rss"
check "rss: regenerating the day's feed gives the same bytes (stable guids)" cmp "$WORK/first.rss" "$WORK/new.rss"
run --db "$DB" new --format html -o "$WORK/new.html"
check "html is well-formed" xmllint --noout "$WORK/new.html"
check "html escapes the title through pg_html_escape" grep -q 'Attention &lt;Sinks&gt; &amp; Friends' "$WORK/new.html"
check "html is self-contained (no external script, style or image)" test "$(grep -Ec '<script|<link|<img|@import' "$WORK/new.html")" = 0

note "a day inside the range without entries: an empty digest that says so"
run --db "$DB" new --day 2025-07-28
run --db "$DB" new --day 2025-07-28 --format jsonl
run --db "$DB" new --day 2025-07-28 --format csv
"$PAPERGRAPH" --db "$DB" new --day 2025-07-28 --format rss -o "$WORK/empty.rss"
check "an empty feed validates too" xmllint --noout --relaxng "$RNG" "$WORK/empty.rss"
note "a day of repeats only: nothing new"
run --db "$DB" new --day 2025-07-31 --window 6
note "outside the range: exit 1; malformed: exit 2"
run --db "$DB" new --day 2025-08-02
run --db "$DB" new --day 2025-06-01
run --db "$DB" new --day 2025-02-30
run --db "$DB" new --day "Aug 1"
run --db "$DB" new --window 0
run --db "$DB" new --format yaml
run --db "$DB" new extra
: > "$WORK/nothing.txt"
"$PAPERGRAPH" --db "$WORK/empty.db" ingest --quiet "$WORK/nothing.txt" > /dev/null 2>&1
run --db "$WORK/empty.db" new
run --db "$WORK/missing.db" new

note "a database of schema 5 (occurrences_text on text_id alone, no days index) opens, migrates, gives the same digest"
cp "$DB" "$WORK/v5.db"
sqlite3 "$WORK/v5.db" "DROP TABLE file_days; DROP INDEX occurrences_text; DROP INDEX files_path;
    CREATE INDEX occurrences_text ON occurrences(text_id);
    CREATE TABLE bs7 (text_id INTEGER PRIMARY KEY REFERENCES texts(id), keys BLOB NOT NULL, sketch BLOB);
    INSERT INTO bs7 SELECT s.text_id, coalesce(p.keys, x''), s.sketch
      FROM band_sets AS s LEFT JOIN band_pending AS p ON p.text_id = s.text_id;
    DROP TABLE band_sets; DROP TABLE band_pending; DROP TABLE band_buckets;
    ALTER TABLE bs7 RENAME TO band_sets;
    CREATE TABLE band_buckets (bucket INTEGER PRIMARY KEY, pairs BLOB NOT NULL);
    PRAGMA user_version = 5;"
"$PAPERGRAPH" --db "$WORK/v5.db" new --format csv > "$WORK/v5.csv"
"$PAPERGRAPH" --db "$DB" new --format csv > "$WORK/v9.csv"
check "the migrated database gives the same digest" cmp "$WORK/v5.csv" "$WORK/v9.csv"
check "user_version 9 after the migration" test "$(sql "$WORK/v5.db" 'PRAGMA user_version')" = 9
check "occurrences_text (text_id, day), and no occurrences_day" test \
    "$(sql "$WORK/v5.db" "SELECT group_concat(name, ' ') FROM (SELECT name FROM pragma_index_info('occurrences_text') UNION ALL SELECT '|' UNION ALL SELECT count(*) FROM pragma_index_list('occurrences') WHERE name = 'occurrences_day')")" = "text_id day | 0"
check "file_days lists each file's days, as the occurrences have them" test \
    "$(sql "$WORK/v5.db" "SELECT (SELECT count(*) FROM file_days), (SELECT count(*) FROM (SELECT DISTINCT day, file_id FROM occurrences)), (SELECT count(*) FROM (SELECT DISTINCT day, file_id FROM occurrences EXCEPT SELECT day, file_id FROM file_days))")" = "$(sql "$DB" "SELECT count(*) FROM file_days")|$(sql "$DB" "SELECT count(*) FROM file_days")|0"
check "integrity_check ok after the migration" test "$(sql "$WORK/v5.db" 'pragma integrity_check')" = ok

note "run writes new.md, the digest of the last day"
run --db "$WORK/run.db" run --year 2025 -o "$WORK/out" "$DIG"/*.txt
"$PAPERGRAPH" --db "$WORK/run.db" new --format md > "$WORK/expected.md"
check "out/new.md is new --format md" cmp "$WORK/out/new.md" "$WORK/expected.md"
run new --help
finish
