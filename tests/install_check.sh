#!/usr/bin/env bash
# install_check.sh: `meson install --destdir` gives a usable installation:
# the program, the library, its headers, papergraph.pc, the man page and the
# bash completion, and a small C program using <papergraph/papergraph.h>
# compiles and links with `pkg-config --static papergraph` alone and runs.
#
# Usage: install_check.sh BUILD_DIR CC SANITIZE   (SANITIZE: b_sanitize, or none)
set -u
BUILD=$1 CC=$2 SANITIZE=${3:-none}
DEST=$(mktemp -d "${TMPDIR:-/tmp}/pg-install.XXXXXX")
trap 'rm -rf "$DEST"' EXIT
fail() { echo "install_check: $*"; exit 1; }

meson install -C "$BUILD" --destdir "$DEST" --no-rebuild > "$DEST.log" 2>&1 ||
    { cat "$DEST.log"; rm -f "$DEST.log"; fail "meson install failed"; }
rm -f "$DEST.log"
PREFIX=$(meson introspect "$BUILD" --buildoptions |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
ROOT="$DEST$PREFIX"

have() {  # have WHAT FIND-ARGS...: a file matching FIND-ARGS is under ROOT
    local what=$1; shift
    local n
    n=$(find "$ROOT" "$@" | wc -l)
    [ "$n" -ge 1 ] || fail "no $what installed under $PREFIX"
    echo "installed: $what: $(find "$ROOT" "$@" | head -1 | sed "s#^$DEST##")"
}
have "program" -path '*/bin/papergraph' -type f -perm -u+x
have "library" -name 'libpapergraph.a'
have "header papergraph.h" -path '*/include/papergraph/papergraph.h'
have "pkg-config file" -path '*/pkgconfig/papergraph.pc'
have "man page" -path '*/man/man1/papergraph.1'
have "bash completion" -path '*/bash-completion/completions/papergraph'
"$(find "$ROOT" -path '*/bin/papergraph')" --version | grep -q '^papergraph ' ||
    fail "the installed program does not run"
bash -n "$(find "$ROOT" -path '*/bash-completion/completions/papergraph')" ||
    fail "the completion file is not valid bash"

PCDIR=$(dirname "$(find "$ROOT" -path '*/pkgconfig/papergraph.pc' | head -1)")
# The .pc file names the final prefix; point it at the staged copy.
PC="pkg-config --define-variable=prefix=$ROOT"
export PKG_CONFIG_PATH="$PCDIR"
FLAGS=$($PC --static --cflags --libs papergraph) || fail "pkg-config --static papergraph failed"
echo "pkg-config --static --libs papergraph: $($PC --static --libs-only-l papergraph | tr -s ' ')"
SAN=""
[ "$SANITIZE" = none ] || SAN="-fsanitize=$SANITIZE"
cat > "$DEST/use.c" <<'C'
/* use.c: opens a new papergraph database, counts what it holds, closes it. */
#include <stdio.h>
#include <papergraph/papergraph.h>

int main(int argc, char **argv)
{
    pg_store *s = NULL;
    pg_stats st;
    pg_error err;
    pg_error_clear(&err);
    if (argc != 2 || pg_store_open(argv[1], &s, &err) != PG_OK ||
        pg_store_stats(s, &st, &err) != PG_OK) {
        fprintf(stderr, "use: %s\n", err.msg);
        pg_store_close(s);
        return 1;
    }
    printf("papergraph %s: %lld files, %lld papers\n", PG_VERSION, st.files, st.papers);
    pg_store_close(s);
    return 0;
}
C
# shellcheck disable=SC2086
$CC -std=c11 $SAN -o "$DEST/use" "$DEST/use.c" $FLAGS ||
    fail "a program using <papergraph/papergraph.h> does not build with pkg-config alone"
"$DEST/use" "$DEST/new.db" || fail "the program built with pkg-config does not run"
echo "install_check: ok"
