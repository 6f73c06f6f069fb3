# usage: help, version, unknown commands and options.
. "$CLI_DIR/lib.sh"
run --help
run --version
run help export
run
run frobnicate
run --bogus
run stats --bogus
finish
