# umask: output files get 0666 less the umask, as cp and sqlite3 give them.
. "$CLI_DIR/lib.sh"
modes() {  # modes DIR: the octal mode of each file written through outfile.c
    local f
    for f in papers.txt papers.csv repeats.txt repeats.csv graph.graphml \
             graph-nodes.csv graph-edges.csv report.txt report.json; do
        printf '%s %s\n' "$(stat -c %a "$1/$f")" "$f"
    done
}
for mask in 022 077 002; do
    note "umask $mask"
    (umask "$mask" && "$PAPERGRAPH" --db "$WORK/pg$mask.db" run --year 2025 -o "$WORK/out$mask" \
        "$FIXTURES"/listings/2025-09-03.txt > /dev/null) ||
        echo "run failed under umask $mask" >> "$TRANSCRIPT"
    modes "$WORK/out$mask" >> "$TRANSCRIPT"
    (umask "$mask" && "$PAPERGRAPH" --db "$WORK/pg$mask.db" export --what papers -o "$WORK/export$mask.csv")
    printf '%s export -o\n' "$(stat -c %a "$WORK/export$mask.csv")" >> "$TRANSCRIPT"
done
want() { [ "$(modes "$WORK/out$1" | cut -d' ' -f1 | sort -u)" = "$2" ]; }
check "umask 022: every output 644" want 022 644
check "umask 077: every output 600" want 077 600
check "umask 002: every output 664" want 002 664
note "replacing a file gives the new mode too"
chmod 600 "$WORK/export022.csv"
(umask 022 && "$PAPERGRAPH" --db "$WORK/pg022.db" export --what papers -o "$WORK/export022.csv")
printf '%s export -o over a 600 file\n' "$(stat -c %a "$WORK/export022.csv")" >> "$TRANSCRIPT"
check "no temporary file left" test -z "$(find "$WORK" -name '*.tmp*')"
finish
