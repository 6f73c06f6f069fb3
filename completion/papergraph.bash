# papergraph.bash: bash completion for papergraph: commands, each command's
# options, the values of --format, --encoding and --what, and file names.
# Installed as share/bash-completion/completions/papergraph; tests/cli/
# completion.sh checks it offers every option of each command's --help.

_papergraph() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="run ingest export new repeats show why dedup graph report stats help"
    local graph="--w-links --w-terms --w-authors --top-k --min-sim --resolution --seed --betweenness --weak-min-sim"
    local i cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --db) ((i++)) ;;
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    local formats opts
    case $cmd in
        run) formats="auto listing jsonl csv"
             opts="-o --output --year --format --encoding $graph" ;;
        ingest) formats="auto listing jsonl csv"
                opts="--year --format --encoding --max-line --threads --quiet" ;;
        export) formats="csv jsonl listing"; opts="--what --format -o --output" ;;
        new) formats="text md jsonl csv rss html"; opts="--day --window --format -o --output" ;;
        repeats) formats="table csv jsonl"; opts="--min-days --format" ;;
        show|why|stats) formats="text json"; opts="--format" ;;
        report) formats="text json"; opts="--format -o --output $graph" ;;
        graph) formats="graphml csv"
               opts="--format -o --output --svg --png --pdf --html $graph" ;;
        dedup) opts="--threshold --revised --title-threshold --defaults" ;;
        help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac
    case $prev in
        --db|-o|--output|--svg|--png|--pdf|--html)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "$formats" -- "$cur")); return ;;
        --encoding) COMPREPLY=($(compgen -W "utf-8 latin1" -- "$cur")); return ;;
        --what) COMPREPLY=($(compgen -W "papers occurrences" -- "$cur")); return ;;
        --betweenness) COMPREPLY=($(compgen -W "auto exact sampled off" -- "$cur")); return ;;
        --year|--max-line|--threads|--min-days|--day|--window|--threshold|--revised|--title-threshold|\
        --w-links|--w-terms|--w-authors|--top-k|--min-sim|--resolution|--seed|--weak-min-sim)
            return ;;
    esac
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--db --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts --db --help" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _papergraph papergraph
