# mismatch: small things that said one thing and did another: run's usage
# names --encoding; show says "1 day (DAY)" for a paper seen on one day;
# papers.csv is ordered by first day, then title.
. "$CLI_DIR/lib.sh"
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$FIXTURES"/listings/*.txt
check "run's usage names --encoding" sh -c '"$0" run --help | head -2 | grep -q -- "--encoding ENC"' "$PAPERGRAPH"
run --db "$WORK/pg.db" show 44f2e3a6e4b1118c
run --db "$WORK/pg.db" show 2025-09-03.txt:13
note "papers by first day, then title: first_day and title columns"
"$PAPERGRAPH" --db "$WORK/pg.db" export --what papers > "$WORK/papers.csv"
run -- /usr/bin/python3 -c 'import csv,sys; [print(r["first_day"], r["title"]) for r in csv.DictReader(open(sys.argv[1]))]' "$WORK/papers.csv"
check "sorted by (first_day, title)" /usr/bin/python3 -c 'import csv,sys; k=[(r["first_day"], r["title"], r["paper_id"]) for r in csv.DictReader(open(sys.argv[1]))]; assert k == sorted(k) and len(k) == 12, k' "$WORK/papers.csv"
check "the jsonl export has the same order" /usr/bin/python3 -c '
import csv, json, subprocess, sys
rows = [r["paper_id"] for r in csv.DictReader(open(sys.argv[1]))]
out = subprocess.run([sys.argv[2], "--db", sys.argv[3], "export", "--what", "papers", "--format", "jsonl"],
                     capture_output=True, text=True, check=True).stdout
assert [json.loads(l)["paper_id"] for l in out.splitlines()] == rows' "$WORK/papers.csv" "$PAPERGRAPH" "$WORK/pg.db"
finish
