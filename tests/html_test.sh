# graph.html in a real browser: run writes it, it loads in headless Chromium
# without a console error and draws every paper; skipped (77) without
# chromium.  A title with "</script>" and U+2028 must not break the page.
set -u
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || {
    echo "no chromium: skipped"; exit 77; }
WORK=$(mktemp -d /tmp/pg-html.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
L=$FIXTURES/listings
cp "$L/2025-09-03.txt" "$WORK/day.txt"
printf '# Daily Papers\n\n## 2025-09-09\n\nEvil </script><script>alert(1)</script> \342\200\250 title about spiking neural networks\n\nSpiking neural networks with learnable membrane time constants for event cameras.\n' > "$WORK/evil.txt"
"$PAPERGRAPH" --db "$WORK/pg.db" ingest --quiet --year 2025 "$WORK/day.txt" "$WORK/evil.txt" "$L/2025-09-04.txt" || exit 1
"$PAPERGRAPH" --db "$WORK/pg.db" run -o "$WORK/out" "$WORK/day.txt" > /dev/null || exit 1
N=$(grep -o '^graph     [0-9]*' <(
    "$PAPERGRAPH" --db "$WORK/pg.db" run -o "$WORK/out" "$WORK/day.txt") | grep -o '[0-9]*$')
test -s "$WORK/out/graph.html" || { echo "run wrote no graph.html"; exit 1; }
if grep -q '</script><script>alert' "$WORK/out/graph.html"; then
    echo "FAIL: a title ended the data element"; exit 1
fi
/usr/bin/python3 "$CLI_DIR/../html_check.py" "$WORK/out/graph.html" "$N"
