#!/usr/bin/python3
"""bench_corpus.py: the corpus-side figures of tools/bench_ingest.sh, computed
from the listing files alone (never through papergraph).

  bench_corpus.py distinct FILE...    prints: entries distinct_entries
                                      distinct_bytes
  bench_corpus.py day DST N FILE...   writes DST, a day to add to a
                                      database: N entries of the fewest last
                                      FILEs that hold N (in order, under the
                                      first one's header); prints how many
                                      FILEs it took (keep them out of the bulk
                                      ingest: a corpus's last days are short)

Listing files as tools/gen_corpus.py writes them (shared FORMAT.md): a
header of six paragraphs ending with the day's label, then entries, each a
title paragraph, an abstract paragraph and an optional metadata paragraph
(starting with "  \u2022" or "\u00b7"); paragraphs are separated by a blank
line, line ends may be CRLF.

Distinct bytes: an entry's text is its title line and its abstract paragraph
as bytes, CRLF read as LF, nothing else changed (no case folding, no
normalisation, metadata left out); two entries are the same text when both
are byte-identical.  distinct_bytes is the sum of len(title) + len(abstract)
over the distinct texts: the size of the titles and abstracts a database
must keep at least once, without any compression.  Variants of one paper
(re-encoded, truncated, revised) count as texts of their own, as they do for
a deduplicator that keeps every spelling it has seen.
"""

import hashlib
import sys

META = (b"  \xe2\x80\xa2", b"\xc2\xb7")
HEADER_END = b"byAK and the research community"


def paragraphs(path):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    paras = data.split(b"\n\n")
    try:
        start = paras.index(HEADER_END) + 2   # the day's label follows
    except ValueError:
        raise SystemExit("bench_corpus: %s: no listing header (%r)" % (path, HEADER_END))
    return paras[:start], paras[start:]


def entries(path):
    """Yields (title, abstract) of every entry of one listing file."""
    _, body = paragraphs(path)
    i = 0
    while i < len(body):
        title = body[i].strip(b"\n")
        if not title:
            i += 1
            continue
        abstract = b""
        if i + 1 < len(body) and not body[i + 1].startswith(META):
            abstract = body[i + 1].strip(b"\n")
            i += 1
        i += 1
        if i < len(body) and body[i].startswith(META):
            i += 1
        yield title, abstract


def distinct(files):
    seen = set()
    n = 0
    nbytes = 0
    for path in files:
        for title, abstract in entries(path):
            n += 1
            key = hashlib.blake2b(title + b"\0" + abstract, digest_size=16).digest()
            if key not in seen:
                seen.add(key)
                nbytes += len(title) + len(abstract)
    print(n, len(seen), nbytes)


def split(body):
    """The entries of a file's body as lists of paragraphs."""
    out = []
    i = 0
    while i < len(body):
        j = i + 1
        if j < len(body) and not body[j].startswith(META):
            j += 1
        if j < len(body) and body[j].startswith(META):
            j += 1
        if body[i].strip(b"\n"):
            out.append(body[i:j])
        i = j
    return out


def day(dst, n, files):
    taken = []
    have = 0
    for path in reversed(files):
        head, body = paragraphs(path)
        ents = split(body)
        taken.insert(0, (head, ents))
        have += len(ents)
        if have >= n:
            break
    if have < n:
        raise SystemExit("bench_corpus: the files hold only %d entries, %d wanted" % (have, n))
    out = list(taken[0][0])
    picked = [e for _, ents in taken for e in ents][:n]
    for e in picked:
        out += e
    with open(dst, "wb") as f:
        f.write(b"\n\n".join(p.strip(b"\n") for p in out) + b"\n")
    print(len(taken))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "distinct":
        distinct(sys.argv[2:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "day":
        day(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main()
