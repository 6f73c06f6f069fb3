# typo: a mistyped command or long option gets "did you mean"; a word near
# nothing gets no guess.
. "$CLI_DIR/lib.sh"
run ingset --year 2025 x.txt
run repots
run stat
run shwo 0123456789abcdef
run frobnicate
run ls
run --dbb x.db stats
run stats --formt json
run export --wat papers
run ingest --qiet x.txt
run graph --resolutoin 2
run stats --zzzzzz
finish
