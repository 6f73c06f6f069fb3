# completion: the bash completion offers the commands, every long option of
# each command's --help, and the values of --format.
. "$CLI_DIR/lib.sh"
ROOT=$(dirname "$(dirname "$CLI_DIR")")
COMP="$ROOT/completion/papergraph.bash"
complete_words() {  # complete_words WORD...: what completing the last word offers
    bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _papergraph; printf "%s\n" "${COMPREPLY[@]}"' "$COMP" "$@"
}
for words in "papergraph re" "papergraph --db x.db st" "papergraph repeats --format " \
             "papergraph show --format " "papergraph graph --format " "papergraph export --what " \
             "papergraph ingest --encoding " "papergraph help s"; do
    # shellcheck disable=SC2086
    echo "\$ complete: $words|" >> "$TRANSCRIPT"
    # shellcheck disable=SC2086
    set -- $words
    case $words in *" ") set -- "$@" "" ;; esac
    complete_words "$@" | tr '\n' ' ' >> "$TRANSCRIPT"
    echo >> "$TRANSCRIPT"
done
note "every option of every command's --help is offered after '--'"
missing=""
for cmd in $("$PAPERGRAPH" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
    offered=" $(complete_words papergraph "$cmd" -- | tr '\n' ' ') "
    for opt in $("$PAPERGRAPH" "$cmd" --help | grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u); do
        case $offered in *" $opt "*) ;; *) missing="$missing $cmd:$opt" ;; esac
    done
done
echo "not offered:${missing:- none}" >> "$TRANSCRIPT"
check "every --help option is completed" test -z "$missing"
finish
