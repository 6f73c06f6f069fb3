#!/bin/bash
# quality.sh: papergraph's matching quality, measured the same way by anyone.
#
#   tools/quality.sh [BIN] [SHARED_DIR]
#
# BIN is the papergraph binary (default: $PAPERGRAPH, else build/papergraph
# in the repository); SHARED_DIR the shared data folder (default: ../shared
# next to the repository), holding listings/*.txt and data/*/.  Nothing is
# copied from SHARED_DIR; everything temporary lives in one mktemp folder,
# removed at the end.
#
# Sections (each prints its heading, the commands it runs, and the figures;
# a section whose data is missing prints "skipped: ... not found"):
#   synthetic     tools/gen_corpus.py corpora (seeds 1, 2, 3), tools/score.py:
#                 target F1 >= 0.999 and 0 hard-negative merges
#   dailyarxiv    SHARED/data/dailyarxiv-dev: 30 real listings, arXiv ids as
#                 truth (truth.tsv), tools/score.py: target recall >= 0.999 at
#                 precision 1.000; then the missed pairs by `why`, the same
#                 files ingested in reverse order, and `dedup` after the
#                 ingest: both must give the same papers
#   listings      SHARED/listings/*.txt: 384 occurrences, 246 papers,
#                 82 papers on 2+ days
#   dblp-acm      SHARED/data/dblp-acm converted to JSON lines with the
#                 authors as a list of names: pairwise P/R/F1 against the
#                 perfect mapping, target F1 >= 0.98; then the rules behind
#                 the misses
#   arxiv         SHARED/data/arxiv-daily-jsonl/data/*.jsonl: P/R/F1 with the
#                 arXiv id as label, papers vs 7,419 ids, time
#   cora          SHARED/data/cora/cora.tsv converted to CSV on the fly:
#                 P/R/F1 against cora_DPL.tsv (no target: informative)
#
# Commands are printed as run, with $PG (the binary), $T (the temporary
# folder), $SHARED and $TOOLS standing for the paths printed at the top.
#
# Exit status: 0 every target of the sections that ran was met; 1 a target
# was missed; 2 bad usage or no binary.

set -u

TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$TOOLS")

case "${1:-}" in
-h|--help)
    sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0 ;;
esac
if [ $# -gt 2 ]; then
    echo "usage: tools/quality.sh [BIN] [SHARED_DIR]" >&2
    exit 2
fi

PG=${1:-${PAPERGRAPH:-$REPO/build/papergraph}}
SHARED=${2:-$(dirname "$REPO")/shared}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ ! -x "$PG" ]; then
    echo "quality.sh: no papergraph binary at $PG (build it, or pass BIN or set \$PAPERGRAPH)" >&2
    exit 2
fi
PG=$(cd "$(dirname "$PG")" && pwd)/$(basename "$PG")

T=$(mktemp -d "${TMPDIR:-/tmp}/pg-quality.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

MISSED=0
SUMMARY=()

heading() {
    printf '\n== %s ==\n' "$*"
}

# cmd 'COMMAND': prints the command as written (with $PG, $T ...) and runs it.
cmd() {
    printf '$ %s\n' "$1"
    eval "$1"
}

now() {
    date +%s.%N
}

elapsed() {  # elapsed START -> seconds with 2 decimals
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

# verdict NAME OK TEXT: records a target's result.
verdict() {
    if [ "$2" = 1 ]; then
        printf 'target met: %s\n' "$3"
        SUMMARY+=("ok      $1: $3")
    else
        printf 'TARGET MISSED: %s\n' "$3"
        SUMMARY+=("MISSED  $1: $3")
        MISSED=1
    fi
}

# f1_of FILE: the F1 printed by score.py / score_pairs.py.
f1_of() {
    sed -n 's/.*  F1 \([0-9.]*\)$/\1/p' "$1" | tail -n 1
}

ge() {  # ge X Y: X >= Y
    awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 >= y + 0) }'
}

json_field() {  # json_field FILE KEY
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# same_papers A.csv B.csv: entries (file base name, line) of two occurrence
# exports that are in different papers; prints the count, exits 1 when any.
same_papers() {
    "$PY" - "$1" "$2" <<'EOF_PY'
import csv, os, sys
def load(p):
    with open(p, encoding="utf-8", newline="") as f:
        return {(os.path.basename(r["file"]), r["line"]): r["paper_id"] for r in csv.DictReader(f)}
a, b = load(sys.argv[1]), load(sys.argv[2])
diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
print("entries in another paper: %d of %d" % (len(diff), len(a)))
for k in diff[:5]:
    print("  %s:%s  %s vs %s" % (k[0], k[1], a.get(k), b.get(k)))
sys.exit(1 if diff else 0)
EOF_PY
}

# rule_tally DB PAIRS: runs `papergraph why` on every pair of a
# score_pairs.py --pairs-out file and counts the decisions and rules.
rule_tally() {
    local db=$1 pairs=$2 kind a b out rule store
    while IFS=$'\t' read -r kind a b; do
        out=$("$PG" --db "$db" why "$a" "$b" 2>&1)
        rule=$(printf '%s\n' "$out" | sed -n 's/^decision: \(.*\)$/\1/p')
        store=$(printf '%s\n' "$out" | sed -n 's/^in the store: \(.*\)$/\1/p')
        printf '%s | %s | store: %s\n' "$kind" "${rule:-?}" "${store:-one text}"
    done < "$pairs" | sort | uniq -c | sort -rn
}

echo "papergraph quality measurements"
echo "PG=$PG ($("$PG" --version 2>/dev/null | head -n 1))"
echo "SHARED=$SHARED"
echo "TOOLS=$TOOLS"
echo "T=$T (temporary, removed at the end)"
START_ALL=$(now)

# ---------------------------------------------------------------- synthetic
heading "synthetic: gen_corpus.py, 3000 papers, 60 days (target F1 >= 0.999, 0 hard negatives merged)"
echo "(the generator's pages start on 2025-09-01, so 60 days stay within 2025: --year 2025)"
for seed in 1 2 3; do
    echo
    echo "-- seed $seed"
    s0=$(now)
    cmd '"$PY" "$TOOLS/gen_corpus.py" --papers 3000 --days 60 --seed '"$seed"' --out "$T/syn'"$seed"'" > "$T/gen.out"' &&
        cat "$T/gen.out"
    s1=$(now)
    cmd '"$PG" --db "$T/syn'"$seed"'.db" ingest --quiet --year 2025 "$T/syn'"$seed"'"/*.txt'
    ingest_s=$(elapsed "$s1")
    cmd '"$PG" --db "$T/syn'"$seed"'.db" export --what occurrences --format csv -o "$T/syn'"$seed"'.csv"'
    cmd '"$PY" "$TOOLS/score.py" "$T/syn'"$seed"'/truth.tsv" "$T/syn'"$seed"'.csv" --negatives "$T/syn'"$seed"'/negatives.tsv" > "$T/score.out"'
    cat "$T/score.out"
    echo "time: ingest ${ingest_s}s, whole seed $(elapsed "$s0")s"
    f1=$(f1_of "$T/score.out")
    neg=$(sed -n 's/^hard negatives merged: \([0-9]*\) of.*/\1/p' "$T/score.out")
    ok=0
    [ -n "$f1" ] && ge "$f1" 0.999 && [ "${neg:-1}" = 0 ] && ok=1
    verdict "synthetic seed $seed" $ok "F1 ${f1:-?} (>= 0.999), hard negatives merged ${neg:-?} (= 0)"
    rm -rf "$T/syn$seed" "$T/syn$seed.db" "$T/syn$seed.csv"
done

# ---------------------------------------------------------------- dailyarxiv-dev
heading "dailyarxiv-dev: 30 real listings, arXiv ids as truth (target recall >= 0.999 at precision 1.000)"
DX=$SHARED/data/dailyarxiv-dev
if [ ! -f "$DX/truth.tsv" ] || ! compgen -G "$DX/da-*.txt" > /dev/null; then
    echo "skipped: $DX/{truth.tsv,da-*.txt} not found"
else
    s0=$(now)
    cmd '"$PG" --db "$T/dx.db" ingest --quiet --year 2025 "$SHARED"/data/dailyarxiv-dev/da-*.txt'
    ingest_s=$(elapsed "$s0")
    cmd '"$PG" --db "$T/dx.db" export --what occurrences --format csv -o "$T/dx.csv"'
    cmd '"$PY" "$TOOLS/score.py" "$SHARED/data/dailyarxiv-dev/truth.tsv" "$T/dx.csv" --examples 10 > "$T/score.out"'
    cat "$T/score.out"
    echo "time: ingest ${ingest_s}s"
    p=$(sed -n 's/^precision \([0-9.]*\) .*/\1/p' "$T/score.out")
    r=$(sed -n 's/^precision [0-9.]*  recall \([0-9.]*\) .*/\1/p' "$T/score.out")
    ok=0
    [ -n "$r" ] && ge "$r" 0.999 && ge "$p" 1.0 && ok=1
    verdict "dailyarxiv-dev" $ok "precision ${p:-?} (= 1.000), recall ${r:-?} (>= 0.999)"

    echo
    echo "-- why: the first missed pair of each split paper"
    sed -n 's/^  [^ ]* \(da-[^ ]*\) \(da-[^ ]*\)$/\1 \2/p' "$T/score.out" | while read -r a b; do
        "$PG" --db "$T/dx.db" why "$DX/$a" "$DX/$b" | sed -n 's/^decision: /  /p; s/^   title: /    /p'
    done

    echo
    echo "-- the same files in reverse order, and 'dedup' over the first database"
    cmd 'ls "$SHARED"/data/dailyarxiv-dev/da-*.txt | sort -r > "$T/rev.list"'
    cmd 'xargs "$PG" --db "$T/dxr.db" ingest --quiet --year 2025 < "$T/rev.list"'
    cmd '"$PG" --db "$T/dxr.db" export --what occurrences --format csv -o "$T/dxr.csv"'
    cmd 'same_papers "$T/dx.csv" "$T/dxr.csv" > "$T/same.out"'
    rc=$?
    cat "$T/same.out"
    verdict "dailyarxiv-dev reverse order" $([ $rc = 0 ] && echo 1 || echo 0) "$(head -n 1 "$T/same.out") (= 0)"
    cmd '"$PG" --db "$T/dx.db" dedup > /dev/null'
    cmd '"$PG" --db "$T/dx.db" export --what occurrences --format csv -o "$T/dxd.csv"'
    cmd 'same_papers "$T/dx.csv" "$T/dxd.csv" > "$T/same.out"'
    rc=$?
    cat "$T/same.out"
    verdict "dailyarxiv-dev incremental = dedup" $([ $rc = 0 ] && echo 1 || echo 0) "$(head -n 1 "$T/same.out") (= 0)"
fi

# ---------------------------------------------------------------- listings
heading "seed listings: SHARED/listings/*.txt (expect 384 occurrences, 246 papers, 82 repeats)"
if ! compgen -G "$SHARED/listings/*.txt" > /dev/null; then
    echo "skipped: $SHARED/listings/*.txt not found"
else
    s0=$(now)
    cmd '"$PG" --db "$T/listings.db" ingest --quiet --year 2025 "$SHARED"/listings/*.txt'
    cmd '"$PG" --db "$T/listings.db" stats --format json > "$T/stats.json"'
    cat "$T/stats.json"
    cmd '"$PG" --db "$T/listings.db" repeats --min-days 2 --format csv > "$T/repeats.csv"'
    occ=$(json_field "$T/stats.json" occurrences)
    papers=$(json_field "$T/stats.json" papers)
    rep=$(( $(wc -l < "$T/repeats.csv") - 1 ))
    echo "occurrences $occ, papers $papers, papers on 2+ days $rep; time $(elapsed "$s0")s"
    ok=0
    [ "$occ" = 384 ] && [ "$papers" = 246 ] && [ "$rep" = 82 ] && ok=1
    verdict "seed listings" $ok "occurrences $occ (384), papers $papers (246), repeats $rep (82)"
fi

# ---------------------------------------------------------------- DBLP-ACM
heading "DBLP-ACM: ACM.csv + DBLP2.csv as JSON lines (authors a list of names) vs DBLP-ACM_perfectMapping.csv (target F1 >= 0.98)"
DA=$SHARED/data/dblp-acm
if [ ! -f "$DA/ACM.csv" ] || [ ! -f "$DA/DBLP2.csv" ] || [ ! -f "$DA/DBLP-ACM_perfectMapping.csv" ]; then
    echo "skipped: $DA/{ACM.csv,DBLP2.csv,DBLP-ACM_perfectMapping.csv} not found"
else
    echo "truth: the 2224 (idDBLP,idACM) pairs; every other pair of records is a non-match"
    echo "conversion: one JSON object a record: id, title, authors split at ', ' into a list, venue, year"
    cmd '"$PY" - "$DA" "$T" <<'"'"'EOF'"'"'
import csv, json, os, sys
for name, enc in (("ACM", "utf-8"), ("DBLP2", "latin-1")):
    with open(os.path.join(sys.argv[1], name + ".csv"), encoding=enc, newline="") as src, \
            open(os.path.join(sys.argv[2], name + ".jsonl"), "w", encoding="utf-8") as dst:
        for r in csv.DictReader(src):
            rec = {"id": r["id"], "title": r["title"],
                   "authors": [a.strip() for a in (r["authors"] or "").split(",") if a.strip()],
                   "venue": r["venue"], "year": int(r["year"]) if (r["year"] or "").isdigit() else None}
            dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
EOF'
    s0=$(now)
    cmd '"$PG" --db "$T/da.db" ingest --format jsonl "$T/ACM.jsonl" "$T/DBLP2.jsonl"'
    ingest_s=$(elapsed "$s0")
    cmd '"$PG" --db "$T/da.db" export --what occurrences --format csv -o "$T/da.csv"'
    cmd '"$PY" "$TOOLS/score_pairs.py" "$T/da.csv" --pairs "$SHARED/data/dblp-acm/DBLP-ACM_perfectMapping.csv" --examples 5 --pairs-out "$T/da.pairs" > "$T/score.out"'
    cat "$T/score.out"
    echo "time: ingest ${ingest_s}s"
    f1=$(f1_of "$T/score.out")
    ok=0
    [ -n "$f1" ] && ge "$f1" 0.98 && ok=1
    verdict "DBLP-ACM" $ok "F1 ${f1:-?} (>= 0.98)"

    echo
    echo "-- why: one pair per false merge (fp) and per missed match (fn), decided again by 'papergraph why'"
    echo "   (\"the store was clustered with other settings\" means why's verdict differs from the store's)"
    cmd 'rule_tally "$T/da.db" "$T/da.pairs"'

    echo
    echo "-- diagnostic: the same database re-clustered by 'papergraph dedup' (same settings, all metadata present)"
    cmd '"$PG" --db "$T/da.db" dedup > /dev/null'
    cmd '"$PG" --db "$T/da.db" export --what occurrences --format csv -o "$T/da2.csv"'
    cmd '"$PY" "$TOOLS/score_pairs.py" "$T/da2.csv" --pairs "$SHARED/data/dblp-acm/DBLP-ACM_perfectMapping.csv" --pairs-out "$T/da2.pairs"'
    cmd 'rule_tally "$T/da.db" "$T/da2.pairs"'
fi

# ---------------------------------------------------------------- arXiv
heading "arXiv JSONL: 33 daily files, label = arXiv id (expect 7,419 papers)"
AX=$SHARED/data/arxiv-daily-jsonl/data
if ! compgen -G "$AX/*.jsonl" > /dev/null; then
    echo "skipped: $AX/*.jsonl not found"
else
    echo "files: $(ls "$AX"/*.jsonl | wc -l)"
    s0=$(now)
    cmd '"$PG" --db "$T/ax.db" ingest --quiet --format jsonl "$SHARED"/data/arxiv-daily-jsonl/data/*.jsonl'
    ingest_s=$(elapsed "$s0")
    s1=$(now)
    cmd '"$PG" --db "$T/ax.db" export --what occurrences --format csv -o "$T/ax.csv"'
    export_s=$(elapsed "$s1")
    cmd '"$PG" --db "$T/ax.db" stats --format json > "$T/stats.json"'
    cat "$T/stats.json"
    cmd '"$PY" "$TOOLS/score_pairs.py" "$T/ax.csv" --label-is-id --examples 5 > "$T/score.out"'
    cat "$T/score.out"
    papers=$(json_field "$T/stats.json" papers)
    f1=$(f1_of "$T/score.out")
    echo "papers found $papers vs 7419 distinct ids; time: ingest ${ingest_s}s, export ${export_s}s"
    echo "(a file byte-identical to one already read is skipped whole: 2025-06-01 = 2025-05-31)"
    ok=0
    [ -n "$f1" ] && ge "$f1" 0.99 && [ "$papers" = 7419 ] && ok=1
    verdict "arXiv JSONL" $ok "F1 ${f1:-?} (>= 0.99), papers $papers (7419), ingest ${ingest_s}s"
fi

# ---------------------------------------------------------------- Cora
heading "Cora (HPI): cora.tsv converted to CSV, vs cora_DPL.tsv (informative, no target)"
CO=$SHARED/data/cora
if [ ! -f "$CO/cora.tsv" ] || [ ! -f "$CO/cora_DPL.tsv" ]; then
    echo "skipped: $CO/{cora.tsv,cora_DPL.tsv} not found"
else
    echo "conversion: id, title, authors, venue = booktitle or journal, year = first 19xx/20xx in year or date"
    cmd '"$PY" - "$SHARED/data/cora/cora.tsv" "$T/cora.csv" <<'"'"'EOF'"'"'
import csv, re, sys
with open(sys.argv[1], encoding="utf-8", newline="") as src, \
        open(sys.argv[2], "w", encoding="utf-8", newline="") as dst:
    out = csv.writer(dst)
    out.writerow(["id", "title", "authors", "venue", "year"])
    for r in csv.DictReader(src, delimiter="\t", quoting=csv.QUOTE_NONE):
        y = re.search(r"\b(19|20)\d\d\b", (r["year"] or "") + " " + (r["date"] or ""))
        out.writerow([r["id"], r["title"].strip(), r["authors"].strip(),
                      (r["booktitle"] or r["journal"] or "").strip(),
                      y.group(0) if y else ""])
EOF'
    s0=$(now)
    cmd '"$PG" --db "$T/cora.db" ingest --quiet --format csv "$T/cora.csv" 2> "$T/cora.err"'
    echo "time: ingest $(elapsed "$s0")s; warnings (cora.tsv has 41 records without a title):"
    head -n 2 "$T/cora.err"; echo "  ..."; tail -n 1 "$T/cora.err"
    cmd '"$PG" --db "$T/cora.db" export --what occurrences --format csv -o "$T/cora-occ.csv"'
    cmd '"$PY" "$TOOLS/score_pairs.py" "$T/cora-occ.csv" --pairs "$SHARED/data/cora/cora_DPL.tsv" --examples 3'
fi

# ---------------------------------------------------------------- summary
heading "summary (total $(elapsed "$START_ALL")s)"
if [ ${#SUMMARY[@]} -eq 0 ]; then
    echo "no section ran"
else
    printf '%s\n' "${SUMMARY[@]}"
fi
exit $MISSED
