# docs: the listing format is described in the repository (docs/FORMAT.md)
# and its example page reads as it says; the README points there, never into
# a shared/ folder a clone does not have, and shows the follow-up commands
# with run's database.
. "$CLI_DIR/lib.sh"
ROOT=$(dirname "$(dirname "$CLI_DIR")")
check "docs/FORMAT.md exists" test -s "$ROOT/docs/FORMAT.md"
check "the README points to docs/FORMAT.md" grep -q 'docs/FORMAT.md' "$ROOT/README.md"
check "the README never points into shared/" sh -c '! grep -n "shared/" "$0"' "$ROOT/README.md"
check "the README's follow-up commands name out/papergraph.db" grep -q -- '--db out/papergraph.db show' "$ROOT/README.md"
check "the README's test line ends with N skipped" grep -q 'N failed, N skipped' "$ROOT/README.md"
note "the example page of docs/FORMAT.md (its first indented block)"
awk '/^    /{p=1; sub(/^    /, ""); print; next} p && /^$/{print; next} p{exit}' \
    "$ROOT/docs/FORMAT.md" > "$WORK/example.txt"
run --db "$WORK/pg.db" ingest --year 2025 "$WORK/example.txt"
run --db "$WORK/pg.db" export --what occurrences
finish
