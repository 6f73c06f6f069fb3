#!/usr/bin/env bash
# bench_ingest.sh: ingest speed, memory and database size of the binary under
# test against the previous release, on synthetic corpora, in one run; ends
# with issue 13's targets, each marked met or not.
#
#   tools/bench_ingest.sh [BIN] [WORKDIR]
#   environment: PREV=path   previous release (default /tmp/pg-prev;
#                            PREV=none measures BIN alone)
#                BENCH_1M=0  skip the 1,000,000-entry corpus (default 1)
#                ROUNDS=n    runs of each binary per corpus (default 1)
#                DAY_RUNS=n  runs of the one more day per bulk run (default 3)
#                FLOOR=0     skip tools/bench_floor.py (default 1: the rows
#                            of the new build's bulk store written again by
#                            SQLite alone, near a floor under its time; see
#                            that script)
#
# BIN defaults to build-rel/papergraph (built here, release, when missing);
# a BIN or PREV given but missing is an error.  Machines here are noisy and
# shared: both binaries run alternately on each corpus in the same run
# (new, prev; the next round prev, new), every figure is printed beside the
# ratio that carries it (to `cat` of the same files, new/prev), and the load
# average is printed at the start and the end.  With ROUNDS > 1 the ratios
# use each binary's fastest round.  Run it under `nice` on a shared machine.
#
# Corpora, generated once into WORKDIR (default /tmp/pg-bench) and kept:
#   exact      the variants corpus's papers, one canonical entry each (as a
#              `papergraph export --format listing` of it writes them),
#              resampled into 100 days of 1,000 entries, repeats byte-identical
#              as in the real listings;
#   variants   tools/gen_corpus.py --entries 100000 --seed 7: about 22,000
#              papers that share no sentences, nearly every repeat a variant
#              (truncated, revised, re-encoded), so most entries are new texts;
#   shared     the same with --shared-sentences: abstracts built partly from a
#              shared pool of sentences, every text with dozens of blocking
#              candidates (as boilerplate-heavy abstracts);
#   variants1m tools/gen_corpus.py --entries 1000000 --seed 7 (about 1.7 GB;
#              its generation takes long).
# A corpus's last days are short: the fewest last files holding 200 entries
# are kept out of the bulk ingest, and 200 of their entries make the "one
# more day" ingested into each database afterwards.
#
# Per corpus and binary: wall time of a bulk ingest of the other files into a
# new database, its ratio to `cat` of the same files, MB/s (10^6 bytes of
# listing files per second), CPU time (user + system, both threads), peak
# RSS (/usr/bin/time -v), the database's size (every file whose name starts
# with the database's path, after the ingest ends) and its ratio to the
# corpus's distinct bytes, then the time of the one more day: the median of
# DAY_RUNS runs, each into the store as the bulk run left it (a copy of it
# for the second and later runs), each after a `sync` (a day alone varies by
# 15% from run to run; the writeback of a store just written adds to it).
#
# Distinct bytes (tools/bench_corpus.py, from the listing files alone): an
# entry's text is its title line and abstract paragraph as bytes (CRLF read
# as LF, nothing else changed); texts are the same when both are
# byte-identical; distinct bytes = the sum of title + abstract lengths over
# the distinct texts of the bulk-ingested files.  Variants of one paper count
# as texts of their own.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-}
WORK=${2:-/tmp/pg-bench}
PREV=${PREV:-/tmp/pg-prev}
BENCH_1M=${BENCH_1M:-1}
ROUNDS=${ROUNDS:-1}
DAY_RUNS=${DAY_RUNS:-3}
FLOOR=${FLOOR:-1}
DAY=200
PY=/usr/bin/python3
TOOLS=$PWD/tools

die() { echo "bench_ingest: $*" >&2; exit 2; }

if [ -z "$BIN" ]; then
    BIN=build-rel/papergraph
    if [ ! -x "$BIN" ]; then
        meson setup build-rel --buildtype=release > /dev/null ||
            die "cannot set up build-rel (give BIN as the first argument)"
        ninja -C build-rel papergraph > /dev/null || die "cannot build build-rel/papergraph"
    fi
fi
[ -f "$BIN" ] || die "binary under test $BIN: no such file"
[ -x "$BIN" ] || die "binary under test $BIN: not executable"
BIN=$(realpath "$BIN")
"$BIN" --version > /dev/null 2>&1 || die "binary under test $BIN: --version fails"
if [ "$PREV" != none ]; then
    [ -f "$PREV" ] || die "previous release $PREV: no such file (PREV=path names it, PREV=none skips it)"
    [ -x "$PREV" ] || die "previous release $PREV: not executable"
    PREV=$(realpath "$PREV")
    "$PREV" --version > /dev/null 2>&1 || die "previous release $PREV: --version fails"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time not found (GNU time: apt-get install time)"
command -v bc > /dev/null || die "bc not found"
case $BENCH_1M in 0|1) ;; *) die "BENCH_1M is 0 or 1, not '$BENCH_1M'" ;; esac
case $ROUNDS in [1-9]) ;; *) die "ROUNDS is 1 to 9, not '$ROUNDS'" ;; esac
mkdir -p "$WORK"

# ---------------------------------------------------------------- corpora

gen() { # gen NAME ARGS...: tools/gen_corpus.py ARGS into WORK/NAME, once
    local name=$1; shift
    [ -d "$WORK/$name" ] && return
    echo "generating $WORK/$name (gen_corpus.py $*) ..." >&2
    rm -rf "$WORK/$name.tmp"
    $PY "$TOOLS/gen_corpus.py" "$@" --out "$WORK/$name.tmp" > /dev/null ||
        die "gen_corpus.py $* failed"
    mv "$WORK/$name.tmp" "$WORK/$name"
}

gen variants --entries 100000 --seed 7
gen shared --entries 100000 --seed 7 --shared-sentences
[ "$BENCH_1M" = 0 ] || gen variants1m --entries 1000000 --seed 7

if [ ! -d "$WORK/exact" ]; then
    # The canonical entries come from a database of the variants corpus; the
    # previous release writes it when there is one, so that the corpus does
    # not depend on the binary under test.
    CANON_BIN=$BIN
    [ "$PREV" = none ] || CANON_BIN=$PREV
    echo "generating $WORK/exact ..." >&2
    rm -f "$WORK/canon.db"*
    "$CANON_BIN" --db "$WORK/canon.db" ingest --quiet --year 2025 "$WORK"/variants/*.txt > /dev/null
    "$CANON_BIN" --db "$WORK/canon.db" export --what papers --format listing -o "$WORK/canon.txt"
    rm -rf "$WORK/exact.tmp"
    $PY - "$WORK/canon.txt" "$WORK/exact.tmp" <<'PYEOF'
import os, random, re, sys
text = open(sys.argv[1], encoding='utf-8').read()

# Entries follow the 9-line header; each is title, abstract and an optional
# metadata block, separated by blank lines: split on the title lines.
paras = text.split('\n\n')[6:]
entries, cur = [], []
for p in paras:
    if cur and not p.startswith('  \u2022') and not p.startswith('\u00b7') and len(cur) >= 2:
        entries.append('\n\n'.join(cur)); cur = []
    cur.append(p)
if cur: entries.append('\n\n'.join(cur))
rnd = random.Random(11)
os.makedirs(sys.argv[2], exist_ok=True)
months = ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']
header = 'new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\n'
for d in range(100):
    day = '%s %d' % (months[d // 28 % 12], d % 28 + 1)
    pick = rnd.sample(entries, 1000)
    open(os.path.join(sys.argv[2], '%03d.txt' % d), 'w', encoding='utf-8').write(header + day + '\n\n' + '\n\n'.join(e.strip('\n') for e in pick) + '\n')
PYEOF
    mv "$WORK/exact.tmp" "$WORK/exact"
fi

# ---------------------------------------------------------------- measuring

now() { date +%s.%N; }
calc() { echo "$*" | bc -l; }

# Results, by "corpus.tag": fastest wall time, CPU, peak RSS (KiB), db bytes,
# fastest day time; and by corpus: MB, distinct bytes, cat seconds, and
# bench_floor.py's "wall cpu reading" of the new build's bulk store.
declare -A T CPU RSS DB DAYT MB DIST CAT FLOORS

ingest_once() { # ingest_once NAME TAG BINARY: one bulk ingest and one day
    local name=$1 tag=$2 bin=$3 db="$WORK/$1.$2.db" t0 t1 wall cpu rss size nf stats d0 d1 day
    rm -f "$db" "$db"-*
    t0=$(now)
    if ! /usr/bin/time -v -o "$WORK/$name.$tag.time" \
            "$bin" --db "$db" ingest --quiet --year 2025 "${FILES[@]}" \
            > /dev/null 2> "$WORK/$name.$tag.err"; then
        tail -n 5 "$WORK/$name.$tag.err" >&2
        die "$name: $bin: ingest failed (stderr in $WORK/$name.$tag.err)"
    fi
    t1=$(now)
    wall=$(calc "$t1 - $t0")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$WORK/$name.$tag.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$name.$tag.time")
    size=$(du -cb "$db" "$db"-* 2> /dev/null | tail -n 1 | cut -f1)
    # A failed file must not pass for a fast one: every file must be in.
    nf=${#FILES[@]}
    stats=$("$bin" --db "$db" stats --format json) || die "$name: $bin: stats failed"
    echo "$stats" | grep -Eq "\"files\": ?$nf[,}]" ||
        die "$name: $bin: not every one of the $nf files was ingested: $stats"
    # The rows this bulk run stored, written again by SQLite alone (once a
    # corpus, on the new build's store, before the day goes into it).
    if [ "$FLOOR" != 0 ] && [ "$tag" = new ] && [ -z "${FLOORS[$name]:-}" ]; then
        FLOORS[$name]=$($PY "$TOOLS/bench_floor.py" --rounds 2 --terse "$db") ||
            die "$name: bench_floor.py failed"
    fi
    # The day, DAY_RUNS times, each into the store as the bulk left it
    # (closed, so the file alone), after a `sync`: the writeback of a
    # large store just written (or copied) otherwise runs during the day.
    local times=() k
    [ "$DAY_RUNS" -gt 1 ] && cp "$db" "$db.bulk"
    for ((k = 1; k <= DAY_RUNS; k++)); do
        if [ "$k" -gt 1 ]; then
            rm -f "$db" "$db"-*
            cp "$db.bulk" "$db"
        fi
        sync
        d0=$(now)
        "$bin" --db "$db" ingest --quiet --year 2025 "$WORK/$name-day.txt" > /dev/null 2>> "$WORK/$name.$tag.err" ||
            die "$name: $bin: ingest of one more day failed (stderr in $WORK/$name.$tag.err)"
        d1=$(now)
        times+=("$(calc "$d1 - $d0")")
    done
    rm -f "$db.bulk"
    day=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (DAY_RUNS + 1) / 2 ))p")
    printf '  %-4s %8.3f s = %6.1f MB/s, %4.0fx cat; cpu %7.2f s; peak RSS %5d MB; db %7.1f MB = %.2fx distinct; +day %.3f s\n' \
        "$tag" "$wall" "$(calc "${MB[$name]} / $wall")" "$(calc "$wall / ${CAT[$name]}")" \
        "$cpu" "$((rss / 1024))" "$(calc "$size / 1000000")" "$(calc "$size / ${DIST[$name]}")" "$day"
    printf '       %s\n' "$stats"
    local k=$name.$tag
    if [ -z "${T[$k]:-}" ] || [ "$(calc "$wall < ${T[$k]}")" = 1 ]; then T[$k]=$wall; CPU[$k]=$cpu; fi
    if [ -z "${DAYT[$k]:-}" ] || [ "$(calc "$day < ${DAYT[$k]}")" = 1 ]; then DAYT[$k]=$day; fi
    if [ -z "${RSS[$k]:-}" ] || [ "$rss" -gt "${RSS[$k]}" ]; then RSS[$k]=$rss; fi
    DB[$k]=$size
}

ratio() { # ratio A B: A / B with two decimals, or "-" when either is missing
    if [ -n "${1:-}" ] && [ -n "${2:-}" ]; then printf '%.2f' "$(calc "$1 / $2")"; else echo -; fi
}

bench() { # bench NAME: every measurement of one corpus
    local name=$1 dir="$WORK/$1" all held key cached n nd r
    mapfile -t all < <(ls "$dir"/*.txt)
    [ ${#all[@]} -ge 2 ] || die "$dir: fewer than two listing files"
    held=$($PY "$TOOLS/bench_corpus.py" day "$WORK/$name-day.txt" "$DAY" "${all[@]}") ||
        die "$name: cannot make a day of $DAY entries"
    FILES=("${all[@]:0:${#all[@]}-held}")
    MB[$name]=$(du -cb "${FILES[@]}" | tail -n 1 | awk '{ printf "%.1f", $1 / 1e6 }')
    # Distinct bytes take a while on the big corpus: kept with the file count
    # and size they were computed for.
    key="${#FILES[@]} ${MB[$name]}"
    cached=$(cat "$WORK/$name.distinct" 2> /dev/null || true)
    if [ "${cached% * * *}" != "$key" ]; then
        cached="$key $($PY "$TOOLS/bench_corpus.py" distinct "${FILES[@]}")" ||
            die "$name: bench_corpus.py distinct failed"
        echo "$cached" > "$WORK/$name.distinct"
    fi
    read -r _ _ n nd DIST[$name] <<< "$cached"
    # cat: the fastest of three runs over warm files (it takes well under
    # a second, so one run is mostly noise).
    cat "${FILES[@]}" > /dev/null
    local c0 c1 i
    for i in 1 2 3; do
        c0=$(now); cat "${FILES[@]}" > /dev/null; c1=$(now)
        if [ -z "${CAT[$name]:-}" ] || [ "$(calc "$c1 - $c0 < ${CAT[$name]}")" = 1 ]; then
            CAT[$name]=$(calc "$c1 - $c0")
        fi
    done
    printf '\n%s: %s MB in %d files, %d entries, %d distinct texts of %.1f MB; cat %.3f s; day: %d entries of the last %d files\n' \
        "$name" "${MB[$name]}" "${#FILES[@]}" "$n" "$nd" "$(calc "${DIST[$name]} / 1000000")" "${CAT[$name]}" "$DAY" "$held"
    for r in $(seq 1 "$ROUNDS"); do
        if [ "$PREV" = none ]; then
            ingest_once "$name" new "$BIN"
        elif [ $((r % 2)) = 1 ]; then
            ingest_once "$name" new "$BIN"; ingest_once "$name" prev "$PREV"
        else
            ingest_once "$name" prev "$PREV"; ingest_once "$name" new "$BIN"
        fi
    done
    if [ "$FLOOR" != 0 ] && [ -n "${FLOORS[$name]:-}" ]; then
        local fw fc fr
        read -r fw fc fr <<< "${FLOORS[$name]}"
        printf '  the rows alone (bench_floor.py, the new bulk store): %.3f s wall (reading them at most %.3f s), cpu %.2f s = %s of new'"'"'s time\n' \
            "$fw" "$fr" "$fc" "$(ratio "$fw" "${T[$name.new]}")"
    fi
    if [ "$PREV" != none ]; then
        printf '  new/prev: time %s, cpu %s, peak RSS %s, db %s, +day %s\n' \
            "$(ratio "${T[$name.new]}" "${T[$name.prev]}")" "$(ratio "${CPU[$name.new]}" "${CPU[$name.prev]}")" \
            "$(ratio "${RSS[$name.new]}" "${RSS[$name.prev]}")" "$(ratio "${DB[$name.new]}" "${DB[$name.prev]}")" \
            "$(ratio "${DAYT[$name.new]}" "${DAYT[$name.prev]}")"
    fi
}

echo "bench_ingest: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "new:  $BIN ($("$BIN" --version))"
[ "$PREV" = none ] || echo "prev: $PREV ($("$PREV" --version))"
echo "$ROUNDS round(s); times in s; MB = 10^6 bytes; ratios of the fastest rounds"

bench exact
bench variants
bench shared
[ "$BENCH_1M" = 0 ] || bench variants1m

# ---------------------------------------------------------------- targets

echo
echo "scaling and issue 13's targets:"
for tag in new prev; do
    [ "$tag" = prev ] && [ "$PREV" = none ] && continue
    # CPU ratios beside the wall-time ones: on a loaded machine they are
    # the steadier of the two.
    printf '  %-4s shared/variants time %s (cpu %s); exact %.1f MB/s' "$tag" \
        "$(ratio "${T[shared.$tag]}" "${T[variants.$tag]}")" \
        "$(ratio "${CPU[shared.$tag]}" "${CPU[variants.$tag]}")" "$(calc "${MB[exact]} / ${T[exact.$tag]}")"
    if [ "$BENCH_1M" = 1 ]; then
        printf '; 1M/100k variants time %s (cpu %s)' "$(ratio "${T[variants1m.$tag]}" "${T[variants.$tag]}")" \
            "$(ratio "${CPU[variants1m.$tag]}" "${CPU[variants.$tag]}")"
        if [ "$tag" = new ] && [ -n "${FLOORS[variants1m]:-}" ]; then
            printf '; the rows alone 1M/100k %s' "$(ratio "${FLOORS[variants1m]%% *}" "${FLOORS[variants]%% *}")"
        fi
    fi
    echo
done
mark() { # mark COND TEXT
    if [ "$(calc "$1")" = 1 ]; then echo "  met      $2"; else echo "  NOT MET  $2"; fi
}
if [ "$PREV" != none ]; then
    mark "${T[variants.new]} * 3 <= ${T[variants.prev]}" \
        "variants at least 3x faster than prev: new/prev $(ratio "${T[variants.new]}" "${T[variants.prev]}") (<= 0.33)"
fi
mark "${T[shared.new]} <= 2 * ${T[variants.new]}" \
    "shared at most 2x variants: $(ratio "${T[shared.new]}" "${T[variants.new]}")x"
mark "${MB[exact]} / ${T[exact.new]} >= 150" \
    "exact at least 150 MB/s: $(printf '%.1f' "$(calc "${MB[exact]} / ${T[exact.new]}")") MB/s"
if [ "$BENCH_1M" = 1 ]; then
    mark "${T[variants1m.new]} <= 12 * ${T[variants.new]}" \
        "1M at most 12x the 100k variants time: $(ratio "${T[variants1m.new]}" "${T[variants.new]}")x"
    mark "${RSS[variants1m.new]} < 2 * 1024 * 1024" \
        "1M peak RSS under 2 GiB: $(( ${RSS[variants1m.new]} / 1024 )) MB"
    mark "${DB[variants1m.new]} <= 1.3 * ${DIST[variants1m]}" \
        "1M database at most 1.3x its distinct bytes: $(ratio "${DB[variants1m.new]}" "${DIST[variants1m]}")x"
    mark "${DAYT[variants1m.new]} < 0.1" \
        "one more day of $DAY entries into the 1M database under 0.1 s: $(printf '%.3f' "${DAYT[variants1m.new]}") s"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
