# lib.sh: the CLI test harness, sourced by every tests/cli/NAME.sh.
#
# A test script runs commands through `run`, which appends to a transcript
# the command line, its standard output and error, and its exit status, with
# machine-specific paths replaced by $WORK and $FIXTURES.  At the end `finish`
# compares the transcript with NAME.expected and fails with a diff when they
# differ; run with UPDATE=1 to rewrite the expected file after a deliberate
# change.  `check` adds an assertion of its own (e.g. on a file's contents).
set -u
: "${PAPERGRAPH:?set PAPERGRAPH to the binary}"
: "${FIXTURES:?set FIXTURES to the fixtures directory}"
: "${CLI_DIR:?set CLI_DIR to tests/cli}"

NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pg-cli-$NAME.XXXXXX")
TRANSCRIPT="$WORK/transcript"
FAILED=0
export PAPERGRAPH_DB="$WORK/default.db"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 99
: > "$TRANSCRIPT"

scrub() {
    sed -e "s#$WORK#\$WORK#g" -e "s#$FIXTURES#\$FIXTURES#g" -e "s#$PAPERGRAPH#papergraph#g"
}

# run ARGS...: runs papergraph with ARGS (or any command when the first
# argument is `--`), recording everything.
run() {
    local out="$WORK/.out" err="$WORK/.err" status
    if [ "${1:-}" = "--" ]; then shift; echo "\$ $*" | scrub >> "$TRANSCRIPT"; "$@" > "$out" 2> "$err"
    else echo "\$ papergraph $*" | scrub >> "$TRANSCRIPT"; "$PAPERGRAPH" "$@" > "$out" 2> "$err"; fi
    status=$?
    scrub < "$out" >> "$TRANSCRIPT"
    sed 's/^/stderr: /' "$err" | scrub >> "$TRANSCRIPT"
    echo "[exit $status]" >> "$TRANSCRIPT"
    return 0
}

# run_stdin FILE ARGS...: like run, with FILE on standard input.
run_stdin() {
    local in=$1; shift
    local out="$WORK/.out" err="$WORK/.err"
    echo "\$ papergraph $* < $in" | scrub >> "$TRANSCRIPT"
    "$PAPERGRAPH" "$@" < "$in" > "$out" 2> "$err"
    local status=$?
    scrub < "$out" >> "$TRANSCRIPT"
    sed 's/^/stderr: /' "$err" | scrub >> "$TRANSCRIPT"
    echo "[exit $status]" >> "$TRANSCRIPT"
}

# note TEXT: adds a line of context to the transcript.
note() { echo "# $*" >> "$TRANSCRIPT"; }

# check DESCRIPTION COMMAND...: an extra assertion; its outcome is recorded.
check() {
    local what=$1; shift
    if "$@" > /dev/null 2>&1; then echo "check ok: $what" >> "$TRANSCRIPT"
    else echo "check FAILED: $what" >> "$TRANSCRIPT"; FAILED=1; fi
}

# sql DB QUERY: runs a query with the sqlite3 shell (read-only).
sql() { sqlite3 -readonly -batch "$1" "$2"; }

# papers_of CSV: an occurrences export's (file, line, paper) rows, sorted.
papers_of() { cut -d, -f1,2,4 "$1" | sed 's#^.*/##' | sort; }

# check_same_papers DB REV: DB's papers are those of REV (the same files
# ingested in another order) and those of DB after a full `dedup`.
check_same_papers() {
    "$PAPERGRAPH" --db "$1" export --what occurrences -o "$WORK/a.csv"
    "$PAPERGRAPH" --db "$2" export --what occurrences -o "$WORK/b.csv"
    "$PAPERGRAPH" --db "$1" dedup > /dev/null
    "$PAPERGRAPH" --db "$1" export --what occurrences -o "$WORK/c.csv"
    check "reverse order: same papers" test "$(papers_of "$WORK/a.csv")" = "$(papers_of "$WORK/b.csv")"
    check "dedup: same papers" test "$(papers_of "$WORK/a.csv")" = "$(papers_of "$WORK/c.csv")"
}

finish() {
    local expected="$CLI_DIR/$NAME.expected"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$TRANSCRIPT" "$expected"
        echo "updated $expected"
    elif ! diff -u "$expected" "$TRANSCRIPT"; then
        echo "cli-$NAME: transcript differs from $NAME.expected (run with UPDATE=1 after checking)"
        exit 1
    fi
    if [ "$FAILED" != 0 ]; then
        grep 'check FAILED' "$TRANSCRIPT"
        exit 1
    fi
    exit 0
}
