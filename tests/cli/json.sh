# json: every command a person would pipe to jq prints JSON that parses:
# stats, report, show, why (--format json) and repeats (--format jsonl),
# hostile text included.
. "$CLI_DIR/lib.sh"
PY=/usr/bin/python3
one_json() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); assert isinstance(d, dict)'; }
lines_json() { "$PY" -c 'import json,sys; ls=sys.stdin.read().splitlines(); assert ls; [json.loads(l) for l in ls]'; }
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$FIXTURES"/listings/*.txt
note "hostile text: quotes, backslashes, control characters, invalid UTF-8"
printf 'Sep 9\n\nA "quoted" \\title\\ with\ttab and \001 control\n\nAn abstract with "quotes", a backslash \\ and bytes \377\376 that are not UTF-8, long enough to be read as an abstract by the listing reader.\n' > "$WORK/hostile.txt"
run --db "$WORK/pg.db" ingest --quiet --year 2025 "$WORK/hostile.txt"
check "stats --format json parses" sh -c '"$0" --db "$1" stats --format json | "$2" -c "import json,sys; d=json.loads(sys.stdin.read()); assert d[\"papers\"] == 13, d"' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
run --db "$WORK/pg.db" stats --format json
check "report --format json parses" sh -c '"$0" --db "$1" report --format json | "$2" -c "import json,sys; json.loads(sys.stdin.read())"' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
check "repeats --format jsonl: one object a line" sh -c '"$0" --db "$1" repeats --format jsonl | "$2" -c "import json,sys; ls=sys.stdin.read().splitlines(); assert len(ls) == 5; [json.loads(l) for l in ls]"' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
run --db "$WORK/pg.db" show --format json 2025-09-03.txt:13
check "show --format json parses" sh -c '"$0" --db "$1" show --format json 2025-09-03.txt:13 | "$2" -c "import json,sys; d=json.loads(sys.stdin.read()); assert len(d[\"variants\"]) == 2 and d[\"matches\"][0][\"rule\"] == \"truncated-prefix\""' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
check "show of the hostile paper parses and keeps its quotes" sh -c '"$0" --db "$1" show --format json hostile.txt:3 | "$2" -c "import json,sys; d=json.loads(sys.stdin.read()); assert \"\\\"quoted\\\"\" in d[\"title\"], d[\"title\"]"' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
run --db "$WORK/pg.db" why --format json 2025-09-03.txt:13 2025-09-08.txt:13
run --db "$WORK/pg.db" why --format json 2025-09-03.txt:13 2025-09-04.txt:13
check "why --format json parses" sh -c '"$0" --db "$1" why --format json 2025-09-03.txt:13 hostile.txt:3 | "$2" -c "import json,sys; d=json.loads(sys.stdin.read()); assert d[\"same\"] is False"' "$PAPERGRAPH" "$WORK/pg.db" "$PY"
note "unknown formats"
run --db "$WORK/pg.db" show --format yaml 2025-09-03.txt:13
run --db "$WORK/pg.db" why --format csv a:1 b:1
run --db "$WORK/pg.db" show --format json 0000000000000000
finish
