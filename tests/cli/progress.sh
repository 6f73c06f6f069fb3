# progress: on a terminal, ingest draws one progress line on stderr (files,
# entries, MB, MB/s, ETA) redrawn with \r and erased before anything else is
# printed; never when stderr is not a terminal; --quiet silences it.
. "$CLI_DIR/lib.sh"
L=$FIXTURES/listings
note "stderr not a terminal: nothing but the usual lines"
run --db "$WORK/a.db" ingest --year 2025 "$L"/*.txt
check "no progress line on stderr" test ! -s "$WORK/.err"
if ! command -v script > /dev/null; then
    note "script (util-linux) not installed: terminal case not run"
    finish
fi
# tty FILE ARGS...: runs papergraph with ARGS on a pseudo-terminal (script
# from util-linux), everything it wrote in FILE with \r as <CR> and the
# erase-line sequence as <EL>.
tty() {
    local out=$1; shift
    script -qec "$(printf '%q ' "$PAPERGRAPH" "$@")" /dev/null < /dev/null \
        | sed -e 's/\r$//' -e 's/\r/<CR>/g' -e 's/\x1b\[K/<EL>/g' | scrub > "$out"
}
note "on a terminal"
tty "$WORK/tty.txt" --db "$WORK/b.db" ingest --year 2025 "$L"/*.txt
check "the line is drawn with \\r" grep -q '<CR>ingest: [0-9]*/4 files, [0-9]* entries, [0-9.]* MB, ' "$WORK/tty.txt"
check "the last file is drawn" grep -q '<CR>ingest: 4/4 files, 21 entries, 0.0 MB, [0-9.]* MB/s, ETA 0:00<EL>' "$WORK/tty.txt"
check "erased before the files' lines" grep -q '<EL><CR><EL>\$FIXTURES/listings/2025-09-03.txt: 5 entries' "$WORK/tty.txt"
check "the total on a line of its own" grep -q '^total: 4 files' "$WORK/tty.txt"
check "no other control characters" test "$(tr -d '\n' < "$WORK/tty.txt" | tr -d '[:print:]' | wc -c)" = 0
note "run on a terminal: the progress line, erased before run's summary"
tty "$WORK/run.txt" run --year 2025 -o "$WORK/out" "$L"/*.txt
check "run draws the line" grep -q '<CR>ingest: 4/4 files, 21 entries, 0.0 MB, [0-9.]* MB/s, ETA 0:00<EL>' "$WORK/run.txt"
check "and erases it before its summary" grep -q '^<EL><CR><EL>ingest    4 files\|<CR><EL>ingest    4 files' "$WORK/run.txt"
"$PAPERGRAPH" --db "$WORK/d.db" run --year 2025 -o "$WORK/out2" "$L"/*.txt > /dev/null 2> "$WORK/run-err"
check "run without a terminal: nothing on stderr" test ! -s "$WORK/run-err"
note "on a terminal with --quiet: no progress"
tty "$WORK/quiet.txt" --db "$WORK/c.db" ingest --quiet --year 2025 "$L"/*.txt
run -- cat "$WORK/quiet.txt"
finish
